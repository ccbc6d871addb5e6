// Databases from elsewhere, through the real sigan: a file that holds
// anything sigan does not write (a view under one of its names, a trigger,
// a table of another program) or that is damaged is refused with one line
// and a non-zero status, by every query and by import; never answered from.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <filesystem>
#include <fstream>

#include "analyze/store/db_schema.h"
#include "analyze/store/tables.h"
#include "tests/analyze/scenario.h"
#include "tests/support/run_command.h"
#include "tests/support/temp_dir.h"

namespace sigrec::analyze {
namespace {

// SQL on FILE with SQLite's own defaults (no defensive mode): what another
// program, or a hand editing a file, can do.
void rawExec(const std::filesystem::path& file, const std::string& sql) {
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(file.c_str(), &db), SQLITE_OK);
  char* error = nullptr;
  int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &error);
  std::string message = error ? error : "";
  sqlite3_free(error);
  sqlite3_close(db);
  ASSERT_EQ(rc, SQLITE_OK) << message << "\n" << sql;
}

int64_t rawCount(const std::filesystem::path& file, const std::string& sql) {
  sqlite3* db = nullptr;
  EXPECT_EQ(sqlite3_open(file.c_str(), &db), SQLITE_OK);
  sqlite3_stmt* st = nullptr;
  int64_t n = -1;
  if (sqlite3_prepare_v2(db, sql.c_str(), -1, &st, nullptr) == SQLITE_OK &&
      sqlite3_step(st) == SQLITE_ROW)
    n = sqlite3_column_int64(st, 0);
  sqlite3_finalize(st);
  sqlite3_close(db);
  return n;
}

std::string quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

class UntrustedDbTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const char* build = std::getenv("SIGREC_BUILD_DIR");
    if (!build) GTEST_SKIP() << "SIGREC_BUILD_DIR not set (run through ctest)";
    binary_ = std::filesystem::path(build) / "sigan";
    capture_ = dir_ / "s.sigrec";
    testing::Scenario().build().write(capture_);
    testing::CaptureBuilder other;
    other.hostname = "host-b";
    other.write(dir_ / "other.sigrec");
    db_ = dir_ / "s.db";
    ASSERT_EQ(sigan({"import", "-o", db_.string(), capture_.string()}).status, 0);
  }

  testing::CommandResult sigan(const std::vector<std::string>& args) {
    // A hostile file must not hang sigan either: the timeout fails the test.
    std::string command = "timeout 20 " + quote(binary_.string());
    for (const auto& a : args) command += " " + quote(a);
    return testing::runCommand(command);
  }

  // One line that names WHAT, a non-zero status, no answer, and no byte
  // that a terminal would act on.
  static void expectRefused(const testing::CommandResult& r, const std::string& what) {
    EXPECT_NE(r.status, 0) << r.out;
    EXPECT_NE(r.status, 124) << "timed out";
    EXPECT_TRUE(r.out.empty()) << r.out;
    EXPECT_EQ(r.err.rfind("sigan: ", 0), 0u) << r.err;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
    EXPECT_EQ(r.err.find('\x1b'), std::string::npos) << r.err;
    EXPECT_NE(r.err.find(what), std::string::npos) << r.err;
  }

  // Every query command and an import into it refuse DB, and the import
  // changed nothing.
  void expectEveryCommandRefused(const std::filesystem::path& db, const std::string& what) {
    const std::string file = db.string();
    for (const std::vector<std::string>& args :
         {std::vector<std::string>{"info", file},
          {"who-killed", "4242", file},
          {"exits", file},
          {"timeline", file},
          {"tree", "1234", file},
          {"sql", "SELECT * FROM v_exits", file},
          {"info", file, (dir_ / "other.sigrec").string()},
          {"export", "--format", "csv", "-o", (dir_ / "export").string(), file}}) {
      SCOPED_TRACE(args[0]);
      expectRefused(sigan(args), what);
    }
    int64_t captures = rawCount(db, "SELECT COUNT(*) FROM captures");
    expectRefused(sigan({"import", "-o", file, (dir_ / "other.sigrec").string()}), what);
    EXPECT_EQ(rawCount(db, "SELECT COUNT(*) FROM captures"), captures);
  }

  testing::TempDir dir_;
  std::filesystem::path binary_, capture_, db_;
};

TEST_F(UntrustedDbTest, ASiganDatabaseIsAnswered) {
  testing::CommandResult r = sigan({"who-killed", "4242", db_.string()});
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("pkill"), std::string::npos) << r.out;
}

TEST_F(UntrustedDbTest, AForeignViewUnderASiganNameIsRefused) {
  // The lie a crafted file would tell: every exit was the work of pid 1.
  rawExec(db_,
          "DROP VIEW v_exits; CREATE VIEW v_exits AS SELECT e.id, e.pid, 1 AS killer_pid,"
          " 'systemd' AS killer_comm FROM exits e");
  expectEveryCommandRefused(db_, "view 'v_exits' differs from sigan's");
}

TEST_F(UntrustedDbTest, AnIndexUnderASiganNameThatDiffersIsRefused) {
  rawExec(db_, "DROP INDEX exits_pid; CREATE INDEX exits_pid ON exits(pid COLLATE NOCASE)");
  expectEveryCommandRefused(db_, "index 'exits_pid' differs from sigan's");
}

TEST_F(UntrustedDbTest, ATriggerIsRefused) {
  // It would erase the signals of every capture imported after it.
  rawExec(db_, "CREATE TRIGGER forget AFTER INSERT ON processes BEGIN DELETE FROM signals; END");
  int64_t signals = rawCount(db_, "SELECT COUNT(*) FROM signals");
  expectEveryCommandRefused(db_, "trigger 'forget' is not sigan's");
  EXPECT_EQ(rawCount(db_, "SELECT COUNT(*) FROM signals"), signals);
}

TEST_F(UntrustedDbTest, ASelfReferencingViewIsRefused) {
  rawExec(db_, "DROP VIEW v_signals; CREATE VIEW v_signals AS SELECT * FROM v_signals");
  expectEveryCommandRefused(db_, "view 'v_signals' differs from sigan's");
}

TEST_F(UntrustedDbTest, AnEndlessOrHugeViewIsRefused) {
  rawExec(db_,
          "DROP VIEW v_processes; CREATE VIEW v_processes AS WITH RECURSIVE r(i) AS"
          " (SELECT 1 UNION ALL SELECT i + 1 FROM r) SELECT i AS id, i AS pid FROM r");
  expectEveryCommandRefused(db_, "view 'v_processes' differs from sigan's");

  std::filesystem::path huge = dir_ / "huge.db";
  ASSERT_EQ(sigan({"import", "-o", huge.string(), capture_.string()}).status, 0);
  // 1 MiB of SQL text, and 500 SELECTs joined (SQLite's limit).
  std::string sql = "CREATE VIEW big AS SELECT '" + std::string(1 << 20, 'x') + "' AS x";
  for (int i = 1; i < 500; ++i) sql += " UNION ALL SELECT " + std::to_string(i);
  rawExec(huge, sql);
  expectEveryCommandRefused(huge, "view 'big' is not sigan's");
}

TEST_F(UntrustedDbTest, ATableOfAnotherProgramIsRefused) {
  rawExec(db_, "CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT)");
  expectEveryCommandRefused(db_, "table 'notes' is not sigan's");
}

TEST_F(UntrustedDbTest, AColumnChangedUnderASiganTableIsRefused) {
  rawExec(db_, "ALTER TABLE processes ADD COLUMN verdict TEXT");
  expectEveryCommandRefused(db_, "table 'processes' differs from sigan's");
}

TEST_F(UntrustedDbTest, NamesFromTheFileAreShownEscaped) {
  rawExec(db_, "CREATE TABLE \"\x1b[31mEVIL\x1b[0m\" (x)");
  expectEveryCommandRefused(db_, "table '\\x1b[31mEVIL\\x1b[0m' is not sigan's");
}

TEST_F(UntrustedDbTest, ADatabaseOfAnotherProgramIsRefused) {
  std::filesystem::path file = dir_ / "app.db";
  rawExec(file,
          "CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT);"
          " INSERT INTO users (name) VALUES ('alice')");
  expectEveryCommandRefused(file, "not a sigan database");
  // One that mimics sigan's two first tables is caught by the rest.
  rawExec(file,
          "CREATE TABLE captures (id); CREATE TABLE sigan_meta (key, value);"
          " INSERT INTO sigan_meta VALUES ('schema_version', '" +
              std::to_string(kSchemaVersion) + "')");
  expectEveryCommandRefused(file, "not a database as sigan writes it");
  rawExec(file, "UPDATE sigan_meta SET value = 'two'");
  expectEveryCommandRefused(file, "not a sigan database (schema_version 'two')");
}

TEST_F(UntrustedDbTest, ATruncatedDatabaseIsRefused) {
  // A database copied while the copy was cut short.
  auto size = std::filesystem::file_size(db_);
  for (uintmax_t cut : {size / 2, size - 1, uintmax_t{100}}) {
    SCOPED_TRACE(cut);
    std::filesystem::path file = dir_ / "cut.db";
    std::filesystem::copy_file(db_, file, std::filesystem::copy_options::overwrite_existing);
    std::filesystem::resize_file(file, cut);
    for (const std::vector<std::string>& args :
         {std::vector<std::string>{"info", file.string()},
          {"who-killed", "4242", file.string()},
          {"sql", "SELECT COUNT(*) FROM signals", file.string()}}) {
      testing::CommandResult r = sigan(args);
      EXPECT_NE(r.status, 0) << r.out;
      EXPECT_TRUE(r.out.empty()) << r.out;
      EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
    }
  }
}

// An older schema that the next import upgrades (kill_target_test.cc
// checks the upgrade's data): its views are made anew, so a view put under
// a sigan name does not survive, and a trigger stops the upgrade.
class OlderDbTest : public UntrustedDbTest {
 protected:
  void makeVersion1() {
    // The views that read later versions' columns go first (SQLite refuses
    // to drop a column a view uses); version 1's own views were older ones.
    std::string sql =
        "DROP INDEX kill_calls_shown_target; DROP INDEX kill_calls_shown_caller;"
        " DROP VIEW v_exits; DROP VIEW v_signals;";
    for (const store::Table& t : store::tables())
      for (const store::Column& c : t.columns)
        if (c.since > 1)
          sql += std::string("ALTER TABLE ") + t.name + " DROP COLUMN " + c.name + ";";
    rawExec(db_, sql + "UPDATE sigan_meta SET value = '1' WHERE key = 'schema_version'");
  }
  int64_t version() {
    return rawCount(db_, "SELECT value FROM sigan_meta WHERE key = 'schema_version'");
  }
};

TEST_F(OlderDbTest, QueriesSayToUpgradeAndTheImportUpgrades) {
  makeVersion1();
  expectRefused(sigan({"info", db_.string()}), "is older than this sigan reads");
  ASSERT_EQ(sigan({"import", "-o", db_.string(), (dir_ / "other.sigrec").string()}).status, 0);
  EXPECT_EQ(version(), kSchemaVersion);
  EXPECT_EQ(sigan({"info", db_.string()}).status, 0);
}

TEST_F(OlderDbTest, IndexesThatVersion1HadAreDroppedByTheUpgrade) {
  makeVersion1();
  rawExec(db_,
          "CREATE INDEX kill_calls_unsent_target ON kill_calls(target_pid) WHERE signals = 0;"
          " CREATE INDEX kill_calls_unsent_caller ON kill_calls(caller_pid) WHERE signals = 0");
  ASSERT_EQ(sigan({"import", "-o", db_.string(), (dir_ / "other.sigrec").string()}).status, 0);
  EXPECT_EQ(rawCount(db_, "SELECT COUNT(*) FROM sqlite_schema WHERE name LIKE '%unsent%'"), 0);
  EXPECT_EQ(sigan({"info", db_.string()}).status, 0);
}

TEST_F(OlderDbTest, AForeignViewIsReplacedByTheUpgrade) {
  makeVersion1();
  rawExec(db_,
          "CREATE VIEW v_exits AS SELECT e.id, e.pid, 1 AS killer_pid"
          " FROM exits e");
  ASSERT_EQ(sigan({"import", "-o", db_.string(), (dir_ / "other.sigrec").string()}).status, 0);
  testing::CommandResult r =
      sigan({"sql", "SELECT killer_comm FROM v_exits WHERE pid = 4242", db_.string()});
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("pkill"), std::string::npos) << r.out;
}

TEST_F(OlderDbTest, ATriggerOrAForeignTableStopsTheUpgrade) {
  makeVersion1();
  rawExec(db_, "CREATE TRIGGER forget AFTER INSERT ON processes BEGIN DELETE FROM signals; END");
  expectRefused(sigan({"import", "-o", db_.string(), (dir_ / "other.sigrec").string()}),
                "trigger 'forget' is not sigan's");
  rawExec(db_, "DROP TRIGGER forget; CREATE TABLE notes (x)");
  expectRefused(sigan({"import", "-o", db_.string(), (dir_ / "other.sigrec").string()}),
                "table 'notes' is not sigan's");
  EXPECT_EQ(version(), 1);
  EXPECT_EQ(rawCount(db_, "SELECT COUNT(*) FROM captures"), 1);
}

TEST_F(UntrustedDbTest, AWriteThroughSqlSaysHowToGetAWritableCopy) {
  int64_t processes = rawCount(db_, "SELECT COUNT(*) FROM processes");
  for (const char* sql : {"DELETE FROM processes", "PRAGMA query_only=0", "ATTACH 'x.db' AS x",
                          "CREATE TABLE t (x)"}) {
    SCOPED_TRACE(sql);
    testing::CommandResult r = sigan({"sql", sql, db_.string()});
    expectRefused(r, "read-only");
    EXPECT_NE(r.err.find("cp " + db_.string() + " copy.db"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find(".backup copy.db"), std::string::npos) << r.err;
  }
  EXPECT_EQ(rawCount(db_, "SELECT COUNT(*) FROM processes"), processes);
  testing::CommandResult r = sigan({"sql", "DELETE FROM processes", capture_.string()});
  expectRefused(r, "read-only");
  EXPECT_NE(r.err.find("sigan import -o copy.db " + capture_.string()), std::string::npos) << r.err;
}

}  // namespace
}  // namespace sigrec::analyze
