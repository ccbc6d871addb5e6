// sigan export --format ndjson|csv on the synthetic scenario: a file per
// registry table with every row, the schema file generated from the
// registry, CSV that keeps NULL and "" apart.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <fstream>
#include <sstream>

#include "analyze/cli/cli.h"
#include "analyze/store/db.h"
#include "analyze/store/tables.h"
#include "tests/analyze/scenario.h"

namespace sigrec::analyze {
namespace {

using nlohmann::json;

class TableExportTest : public ::testing::Test {
 protected:
  void SetUp() override {
    testing::Scenario().build().write(dir_ / "s.sigrec");
    std::ostringstream out, err;
    ASSERT_EQ(runSigan({"import", "-o", (dir_ / "s.db").string(), (dir_ / "s.sigrec").string()},
                       out, err),
              0)
        << err.str();
  }
  int exportAs(const std::string& format, std::string* err = nullptr) {
    std::ostringstream out, errs;
    int status = runSigan(
        {"export", "--format", format, "-o", (dir_ / format).string(), (dir_ / "s.db").string()},
        out, errs);
    if (err) *err = errs.str();
    return status;
  }
  static std::vector<std::string> lines(const std::filesystem::path& file) {
    std::ifstream in(file);
    std::vector<std::string> out;
    for (std::string line; std::getline(in, line);) out.push_back(line);
    return out;
  }
  int64_t count(const char* table) {
    Db db((dir_ / "s.db").string(), Db::Mode::kReadOnly);
    return *db.scalar(std::string("SELECT COUNT(*) FROM ") + table);
  }

  testing::TempDir dir_;
};

TEST_F(TableExportTest, NdjsonHasEveryRowOfEveryTable) {
  ASSERT_EQ(exportAs("ndjson"), 0);
  for (const store::Table& t : store::tables()) {
    auto rows = lines(dir_ / "ndjson" / (std::string(t.name) + ".ndjson"));
    EXPECT_EQ(static_cast<int64_t>(rows.size()), count(t.name)) << t.name;
    for (const std::string& line : rows) {
      auto row = nlohmann::ordered_json::parse(line);  // keeps the file's key order
      ASSERT_EQ(row.size(), t.columns.size()) << t.name;
      size_t i = 0;
      for (const auto& [key, value] : row.items()) {
        (void)value;
        EXPECT_EQ(key, t.columns[i++].name);
      }
    }
  }
  auto signals = lines(dir_ / "ndjson" / "signals.ndjson");
  bool pkill = false;
  for (const std::string& line : signals) {
    json s = json::parse(line);
    pkill = pkill || (s["sender_comm"] == "pkill" && s["target_pid"] == 4242 &&
                      s["signal_name"] == "SIGTERM");
  }
  EXPECT_TRUE(pkill);
}

TEST_F(TableExportTest, SchemaFileComesFromTheRegistry) {
  ASSERT_EQ(exportAs("ndjson"), 0);
  json schema = json::parse(std::ifstream(dir_ / "ndjson" / "schema.json"));
  ASSERT_EQ(schema["tables"].size(), store::tables().size());
  for (size_t i = 0; i < store::tables().size(); ++i) {
    const store::Table& t = store::tables()[i];
    const json& s = schema["tables"][i];
    EXPECT_EQ(s["name"], t.name);
    EXPECT_EQ(s["doc"], t.doc);
    ASSERT_EQ(s["columns"].size(), t.columns.size());
    for (size_t c = 0; c < t.columns.size(); ++c) {
      EXPECT_EQ(s["columns"][c]["name"], t.columns[c].name);
      EXPECT_EQ(s["columns"][c]["doc"], t.columns[c].doc);
      EXPECT_EQ(s["columns"][c]["type"],
                std::string(t.columns[c].type).rfind("INTEGER", 0) == 0 ? "BIGINT" : "VARCHAR");
    }
  }
  std::ifstream sql(dir_ / "ndjson" / "duckdb.sql");
  std::string text((std::istreambuf_iterator<char>(sql)), std::istreambuf_iterator<char>());
  EXPECT_NE(
      text.find("CREATE TABLE damage (\"id\" BIGINT, \"capture_id\" BIGINT, \"offset\" BIGINT"),
      std::string::npos)
      << text.substr(0, 400);
  EXPECT_NE(text.find("read_json('signals.ndjson'"), std::string::npos);
}

TEST_F(TableExportTest, CsvKeepsNullAndEmptyApart) {
  ASSERT_EQ(exportAs("csv"), 0);
  auto rows = lines(dir_ / "csv" / "captures.csv");
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].rfind("id,capture_key,path,", 0), 0u) << rows[0];
  auto processes = lines(dir_ / "csv" / "processes.csv");
  EXPECT_EQ(static_cast<int64_t>(processes.size()) - 1, count("processes"));
  // sleep 4242 came from the snapshot: no fork time (NULL, an empty field).
  bool found = false;
  for (const std::string& line : processes)
    found = found || line.find(",4242,") != std::string::npos;
  EXPECT_TRUE(found);
}

TEST_F(TableExportTest, BadFormatOrOutputIsRefused) {
  std::string err;
  EXPECT_EQ(exportAs("parquet", &err), 2);
  EXPECT_NE(err.find("ndjson or csv"), std::string::npos) << err;
  std::ofstream(dir_ / "file") << "x";
  std::ostringstream out, errs;
  EXPECT_EQ(runSigan({"export", "--format", "csv", "-o", (dir_ / "file").string(),
                      (dir_ / "s.db").string()},
                     out, errs),
            1);
  EXPECT_NE(errs.str().find("not a directory"), std::string::npos) << errs.str();
}

}  // namespace
}  // namespace sigrec::analyze
