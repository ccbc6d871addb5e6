// Imports through the real sigan that run at once, wait for a lock, or are
// killed: whatever happens, the database is the one before an import or the
// one after it (integrity_check and the row count of every table), never a
// mix, never a duplicate.
#include <gtest/gtest.h>
#include <signal.h>
#include <spawn.h>
#include <sqlite3.h>
#include <sys/wait.h>

#include <fcntl.h>

#include <chrono>
#include <memory>
#include <filesystem>
#include <optional>
#include <fstream>
#include <map>
#include <thread>

#include "analyze/store/tables.h"
#include "tests/support/capture_builder.h"

extern char** environ;

namespace sigrec::analyze {
namespace {

using testing::kMs;
using testing::kSec;
using testing::kUs;
using Clock = std::chrono::steady_clock;

// A capture of PROCESSES short lives, each forked, exec'd, sent SIGTERM and
// reaped: long enough to import (~0.1 s) that kills land inside.
void writeBusyCapture(const std::filesystem::path& file, const std::string& host, int processes) {
  testing::CaptureBuilder b;
  b.hostname = host;
  testing::Task bash{1000, 1000, 500 * kSec, "bash"};
  b.process({1000, 1, 500 * kSec, "bash", "/bin/bash", {"bash"}});
  for (int i = 0; i < processes; ++i) {
    uint64_t t = 1000 * kSec + static_cast<uint64_t>(i) * kMs;
    auto pid = static_cast<uint32_t>(10000 + i);
    testing::Task child{pid, pid, t + 1, "sleep"};
    b.fork(t, bash, pid, child.startNs)
        .exec(t + 10 * kUs, child, "/bin/sleep", {"sleep", "100"})
        .generate(t + 20 * kUs, bash, 15, 0, child, schema::Syscall::KILL, t + 15 * kUs)
        .killCall(t + 25 * kUs, bash, schema::Syscall::KILL, t + 15 * kUs, 0, {pid, 15}, 1)
        .deliver(t + 28 * kUs, child, 15)
        .exit(t + 30 * kUs, child, 15, true, bash.pid, bash.startNs);
  }
  b.write(file);
}

// What the database holds: integrity_check's verdict, then the row count
// of every table of the registry (-1: no such table). Opening it read-write
// rolls back what a killed import left, as the next connection that writes
// does.
std::map<std::string, int64_t> contents(const std::filesystem::path& file) {
  std::map<std::string, int64_t> counts;
  sqlite3* db = nullptr;
  EXPECT_EQ(sqlite3_open(file.c_str(), &db), SQLITE_OK);
  auto query = [&](const std::string& sql) -> std::optional<std::string> {
    sqlite3_stmt* st = nullptr;
    std::optional<std::string> value;
    if (sqlite3_prepare_v2(db, sql.c_str(), -1, &st, nullptr) == SQLITE_OK &&
        sqlite3_step(st) == SQLITE_ROW)
      value = reinterpret_cast<const char*>(sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
    return value;
  };
  std::optional<std::string> integrity = query("PRAGMA integrity_check");
  EXPECT_EQ(integrity, "ok");
  for (const store::Table& t : store::tables()) {
    std::optional<std::string> n = query(std::string("SELECT COUNT(*) FROM ") + t.name);
    counts[t.name] = n ? std::stoll(*n) : -1;
  }
  sqlite3_close(db);
  return counts;
}

// One sigan process, its output in files; killed and reaped if still running
// when it goes out of scope.
class Sigan {
 public:
  Sigan(const std::filesystem::path& binary, const std::vector<std::string>& args,
        const std::filesystem::path& out, const std::filesystem::path& err)
      : err_(err) {
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 1, out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    posix_spawn_file_actions_addopen(&actions, 2, err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    std::vector<std::string> argv = {binary.string()};
    argv.insert(argv.end(), args.begin(), args.end());
    std::vector<char*> raw;
    raw.reserve(argv.size() + 1);
    for (std::string& a : argv) raw.push_back(a.data());
    raw.push_back(nullptr);
    EXPECT_EQ(posix_spawn(&pid_, binary.c_str(), &actions, nullptr, raw.data(), environ), 0);
    posix_spawn_file_actions_destroy(&actions);
  }
  Sigan(const Sigan&) = delete;
  Sigan& operator=(const Sigan&) = delete;
  ~Sigan() {
    if (pid_ > 0) {
      ::kill(pid_, SIGKILL);
      wait();
    }
  }
  // Exit status, or 128 + the signal that ended it.
  int wait() {
    int status = 0;
    ::waitpid(pid_, &status, 0);
    pid_ = -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  }
  void kill() const { ::kill(pid_, SIGKILL); }
  std::string err() const {
    std::ifstream in(err_);
    return {std::istreambuf_iterator<char>(in), {}};
  }

 private:
  pid_t pid_ = -1;
  std::filesystem::path err_;
};

class ImportRaceTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    // Written once for the suite: building them takes longer than a test.
    captures_ = std::make_unique<testing::TempDir>();
    writeBusyCapture(*captures_ / "a.sigrec", "host-a", 1500);
    writeBusyCapture(*captures_ / "b.sigrec", "host-b", 1500);
  }
  static void TearDownTestSuite() { captures_.reset(); }
  void SetUp() override {
    const char* build = std::getenv("SIGREC_BUILD_DIR");
    if (!build) GTEST_SKIP() << "SIGREC_BUILD_DIR not set (run through ctest)";
    binary_ = std::filesystem::path(build) / "sigan";
  }
  static std::string capture(const char* name) { return (*captures_ / name).string(); }

  std::unique_ptr<Sigan> start(const std::vector<std::string>& args) {
    std::string n = std::to_string(++runs_);
    return std::make_unique<Sigan>(binary_, args, dir_ / ("out" + n), dir_ / ("err" + n));
  }
  int import(const std::filesystem::path& db, const std::string& file) {
    return start({"import", "-o", db.string(), file})->wait();
  }
  void killAtPoints(const std::optional<std::filesystem::path>& before, const std::string& file);

  static std::unique_ptr<testing::TempDir> captures_;
  testing::TempDir dir_;
  std::filesystem::path binary_;
  int runs_ = 0;
};
std::unique_ptr<testing::TempDir> ImportRaceTest::captures_;

TEST_F(ImportRaceTest, TwoImportsOfDifferentCapturesAtOnceBothLand) {
  ASSERT_EQ(import(dir_ / "a.db", capture("a.sigrec")), 0);
  ASSERT_EQ(import(dir_ / "ab.db", capture("a.sigrec")), 0);
  ASSERT_EQ(import(dir_ / "ab.db", capture("b.sigrec")), 0);
  auto a = start({"import", "-o", (dir_ / "same.db").string(), capture("a.sigrec")});
  auto b = start({"import", "-o", (dir_ / "same.db").string(), capture("b.sigrec")});
  EXPECT_EQ(a->wait(), 0) << a->err();
  EXPECT_EQ(b->wait(), 0) << b->err();
  EXPECT_EQ(contents(dir_ / "same.db"), contents(dir_ / "ab.db"));
  EXPECT_NE(contents(dir_ / "same.db"), contents(dir_ / "a.db"));
}

TEST_F(ImportRaceTest, TwoImportsOfTheSameCaptureAtOnceLandOnce) {
  ASSERT_EQ(import(dir_ / "a.db", capture("a.sigrec")), 0);
  auto first = start({"import", "-o", (dir_ / "same.db").string(), capture("a.sigrec")});
  auto second = start({"import", "-o", (dir_ / "same.db").string(), capture("a.sigrec")});
  EXPECT_EQ(first->wait(), 0) << first->err();
  EXPECT_EQ(second->wait(), 0) << second->err();
  EXPECT_EQ(contents(dir_ / "same.db"), contents(dir_ / "a.db"));
}

TEST_F(ImportRaceTest, AnImportWaitsForTheLockAndSaysSo) {
  std::filesystem::path db = dir_ / "locked.db";
  ASSERT_EQ(import(db, capture("a.sigrec")), 0);
  // Another writer holds the database (here: this test, in a transaction).
  sqlite3* holder = nullptr;
  ASSERT_EQ(sqlite3_open(db.c_str(), &holder), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(holder, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr), SQLITE_OK);
  auto waiting = start({"import", "-o", db.string(), capture("b.sigrec")});
  auto deadline = Clock::now() + std::chrono::seconds(20);
  while (waiting->err().find("waiting") == std::string::npos && Clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  std::string note = waiting->err();
  EXPECT_EQ(note, "sigan: " + db.string() +
                      " is locked by another process (an import into it?); waiting for it\n");
  sqlite3_exec(holder, "COMMIT", nullptr, nullptr, nullptr);
  sqlite3_close(holder);
  EXPECT_EQ(waiting->wait(), 0) << waiting->err();
  EXPECT_EQ(contents(db)["captures"], 2);
}

TEST_F(ImportRaceTest, AQueryWaitsWhileAnImportCommits) {
  std::filesystem::path db = dir_ / "committing.db";
  ASSERT_EQ(import(db, capture("a.sigrec")), 0);
  // What an import holds while it writes its pages at the commit.
  sqlite3* holder = nullptr;
  ASSERT_EQ(sqlite3_open(db.c_str(), &holder), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(holder, "BEGIN EXCLUSIVE", nullptr, nullptr, nullptr), SQLITE_OK);
  auto query = start({"sql", "SELECT COUNT(*) AS n FROM captures", db.string()});
  auto deadline = Clock::now() + std::chrono::seconds(20);
  while (query->err().find("waiting") == std::string::npos && Clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  EXPECT_NE(query->err().find("is locked by another process"), std::string::npos) << query->err();
  sqlite3_exec(holder, "COMMIT", nullptr, nullptr, nullptr);
  sqlite3_close(holder);
  EXPECT_EQ(query->wait(), 0) << query->err();
  std::ifstream out(dir_ / ("out" + std::to_string(runs_)));
  EXPECT_EQ(std::string(std::istreambuf_iterator<char>(out), {}), "n\n1\n");
}

// SIGKILL at kill points spread over the whole import of CAPTURE into a
// copy of BEFORE (none: a new database), its time measured first. Each
// leaves the database before (a new one: no table at all) or after; a query
// in between answers or says that the import was interrupted; the next
// import completes it.
void ImportRaceTest::killAtPoints(const std::optional<std::filesystem::path>& before,
                                  const std::string& file) {
  std::filesystem::path work = dir_ / "work.db";
  auto copyBefore = [&] {
    std::filesystem::remove(work);
    std::filesystem::remove(work.string() + "-journal");
    if (before) std::filesystem::copy_file(*before, work);
  };
  copyBefore();
  auto t0 = Clock::now();
  ASSERT_EQ(import(work, file), 0);
  auto duration = Clock::now() - t0;
  const auto after = contents(work);
  std::map<std::string, int64_t> none;
  for (const auto& [table, rows] : after) none[table] = -1;
  const auto asBefore = before ? contents(*before) : none;
  ASSERT_NE(asBefore, after);
  int interrupted = 0, rolledBack = 0;
  constexpr int kPoints = 6;
  for (int point = 0; point < kPoints; ++point) {
    SCOPED_TRACE("kill point " + std::to_string(point));
    copyBefore();
    auto sigan = start({"import", "-o", work.string(), file});
    std::this_thread::sleep_for(duration * point / kPoints);
    sigan->kill();
    if (sigan->wait() == 128 + SIGKILL) ++interrupted;
    if (before) {
      auto query = start({"info", work.string()});
      if (query->wait() != 0) {
        EXPECT_NE(query->err().find("an import into it was interrupted"), std::string::npos)
            << query->err();
      }
    }
    // A copy with its journal is looked at; the next import meets the
    // killed one's files as they are.
    std::filesystem::path copy = dir_ / "copy.db";
    std::filesystem::remove(copy);
    std::filesystem::remove(copy.string() + "-journal");
    for (const std::string suffix : {"", "-journal"})
      if (std::filesystem::exists(work.string() + suffix))
        std::filesystem::copy_file(work.string() + suffix, copy.string() + suffix,
                                   std::filesystem::copy_options::overwrite_existing);
    bool journal = std::filesystem::exists(copy.string() + "-journal");
    auto now = contents(copy);
    EXPECT_TRUE(now == asBefore || now == after) << "neither before nor after";
    if (journal && now == asBefore) ++rolledBack;
    EXPECT_EQ(import(work, file), 0);
    EXPECT_EQ(contents(work), after);
  }
  EXPECT_GE(interrupted, kPoints / 2) << "the kills came too late to test anything";
  // Some kills land inside the transaction: its journal, on disk, is what
  // the next connection rolls back. A journal in memory would leave none,
  // and a kill during its commit a half-written file.
  EXPECT_GE(rolledBack, 1) << "no kill left a journal that restored the database";
}

TEST_F(ImportRaceTest, AKilledImportLeavesTheDatabaseAsItWas) {
  std::filesystem::path before = dir_ / "before.db";
  ASSERT_EQ(import(before, capture("a.sigrec")), 0);
  killAtPoints(before, capture("b.sigrec"));
}

TEST_F(ImportRaceTest, AKilledFirstImportLeavesNoHalfDatabase) {
  killAtPoints(std::nullopt, capture("a.sigrec"));
}

}  // namespace
}  // namespace sigrec::analyze
