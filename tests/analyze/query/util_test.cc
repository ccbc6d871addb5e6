// Output formats and the SQLite wrapper.
#include <gtest/gtest.h>

#include <sstream>

#include "analyze/store/db.h"
#include "analyze/cli/import_progress.h"
#include "analyze/query/output.h"

namespace sigrec::analyze {
namespace {

TEST(Output, FormatsAndQuoting) {
  std::vector<Column> columns = {{"a", "A"}, {"b", "B"}, {"hidden", ""}};
  std::vector<Row> rows = {Row{{"a", 1}, {"b", "x,\"y\""}, {"hidden", nullptr}},
                           Row{{"a", true}, {"b", std::string(200, 'z')}, {"hidden", 2.5}}};
  std::ostringstream json, csv, table;
  writeRows(json, Format::kJson, columns, rows);
  EXPECT_EQ(json.str().substr(0, json.str().find('\n')), R"({"a":1,"b":"x,\"y\"","hidden":null})");
  writeRows(csv, Format::kCsv, columns, rows);
  EXPECT_EQ(csv.str().substr(0, csv.str().find('\n', 12) + 1), "a,b,hidden\n1,\"x,\"\"y\"\"\",\n");
  setDisplay({.width = 120});
  writeRows(table, Format::kTable, columns, rows);
  setDisplay({});
  std::istringstream lines(table.str());
  std::string header;
  std::getline(lines, header);
  EXPECT_EQ(header, "A     B");
  for (std::string line; std::getline(lines, line);) EXPECT_LE(line.size(), 120u);
  EXPECT_NE(table.str().find("..."), std::string::npos);
  // Without a width (not a terminal, or --wide), nothing is cut.
  std::ostringstream whole;
  writeRows(whole, Format::kTable, columns, rows);
  EXPECT_NE(whole.str().find(std::string(200, 'z')), std::string::npos);
  EXPECT_FALSE(parseFormat("yaml"));
}

// At a width too narrow for every column, those that do not fit go to an
// indented second line; each line still fits.
TEST(Output, NarrowTablesMoveColumnsToASecondLine) {
  std::vector<Column> columns = {{"t", "TIME"}, {"who", "KILLED BY", {}, 12}, {"c", "CMDLINE"}};
  std::vector<Row> rows = {Row{{"t", std::string(30, '1')},
                               {"who", "1234 a-long-killer-name (kill)"},
                               {"c", std::string(60, 'c')}}};
  std::ostringstream table;
  setDisplay({.width = 50});
  writeRows(table, Format::kTable, columns, rows);
  setDisplay({});
  EXPECT_EQ(table.str(), "TIME" + std::string(28, ' ') + "KILLED BY\n" + std::string(30, '1') +
                             "  1234 a-lo...\n    CMDLINE: " + std::string(34, 'c') + "...\n")
      << table.str();
}

TEST(Output, WrappedTextBreaksAtTheSeparator) {
  std::ostringstream out;
  setDisplay({.width = 30});
  writeWrapped(out, "  ancestry: ", "bash(1000) < sshd(900) < systemd(1)", " < ");
  setDisplay({});
  EXPECT_EQ(out.str(),
            "  ancestry: bash(1000) <\n            sshd(900) <\n            systemd(1)\n");
}

// The import's progress line: on a terminal only, after the delay, each
// over the last, erased at the end.
TEST(ImportProgress, OnATerminalOnlyAndErasedAtTheEnd) {
  EXPECT_EQ(ImportProgressLine::text("x.sigrec", 1 << 20, 4 << 20, 5000, 2.0),
            "sigan: importing x.sigrec: 25% (1.0 of 4.0 MiB), 5000 events, 2500 events/s");
  std::ostringstream quiet;
  {
    ImportProgressLine line(quiet, "x.sigrec", false, std::chrono::milliseconds(0));
    EXPECT_FALSE(line.callback());
  }
  EXPECT_TRUE(quiet.str().empty());
  std::ostringstream shown;
  {
    ImportProgressLine line(shown, "x.sigrec", true, std::chrono::milliseconds(0));
    ImportProgress progress = line.callback();
    ASSERT_TRUE(progress);
    progress(1 << 20, 4 << 20, 5000);
    progress(2 << 20, 4 << 20, 9000);  // within 200 ms of the last: not shown
  }
  EXPECT_EQ(shown.str().rfind(
                "\r\x1b[Ksigan: importing x.sigrec: 25% (1.0 of 4.0 MiB), 5000 events, ", 0),
            0u)
      << shown.str();
  EXPECT_EQ(shown.str().find("50%"), std::string::npos);
  EXPECT_TRUE(shown.str().size() > 4 && shown.str().substr(shown.str().size() - 4) == "\r\x1b[K");
}

TEST(Output, InvalidUtf8IsReplacedNotThrown) {
  std::ostringstream out;
  writeJsonLine(out, Row{{"comm", std::string("bad\xff")}});
  EXPECT_NE(out.str().find("bad"), std::string::npos);
}

TEST(Db, ErrorsThrowWithSqliteMessage) {
  Db db("", Db::Mode::kMemory);
  db.exec("CREATE TABLE t (x INTEGER)");
  auto insert = db.prepare("INSERT INTO t VALUES (?)");
  for (int i = 0; i < 3; ++i) insert.bind(1, i).run();
  EXPECT_EQ(db.scalar("SELECT SUM(x) FROM t"), 3);
  try {
    db.prepare("SELECT nope FROM t");
    FAIL();
  } catch (const DbError& e) {
    EXPECT_NE(std::string(e.what()).find("no such column"), std::string::npos);
  }
  EXPECT_THROW(Db("/nonexistent/dir/x.db", Db::Mode::kReadOnly), DbError);
  {
    Transaction tx(db);
    db.exec("DELETE FROM t");
  }  // rolled back
  EXPECT_EQ(db.scalar("SELECT COUNT(*) FROM t"), 3);
}

}  // namespace
}  // namespace sigrec::analyze
