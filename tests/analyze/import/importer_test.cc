#include "analyze/import/importer.h"

#include <gtest/gtest.h>

#include <capnp/message.h>

#include <chrono>
#include <fstream>

#include "analyze/store/db_schema.h"
#include "schema/capture.capnp.h"
#include "schema/capture_writer.h"
#include "tests/analyze/scenario.h"

namespace sigrec::analyze {
namespace {

using testing::kMs;
using testing::kSec;
using testing::kT0;

class ImporterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    capturePath_ = dir_ / "scenario.sigrec";
    scenario_.build().write(capturePath_);
    db_ = std::make_unique<Db>("", Db::Mode::kMemory);
    result_ = importCapture(*db_, capturePath_);
  }
  int64_t count(const std::string& sql) { return db_->scalar(sql).value_or(-1); }

  testing::TempDir dir_;
  testing::Scenario scenario_;
  std::filesystem::path capturePath_;
  std::unique_ptr<Db> db_;
  ImportResult result_;
};

TEST_F(ImporterTest, ImportsEveryEvent) {
  EXPECT_FALSE(result_.skipped);
  EXPECT_TRUE(result_.trailer);
  EXPECT_TRUE(result_.damage.empty());
  EXPECT_EQ(count("SELECT COUNT(*) FROM captures"), 1);
  EXPECT_EQ(count("SELECT COUNT(*) FROM signals"), 6);
  EXPECT_EQ(count("SELECT COUNT(*) FROM kill_calls"), 5);
  EXPECT_EQ(count("SELECT COUNT(*) FROM deliveries"), 3);
  EXPECT_EQ(count("SELECT COUNT(*) FROM execs"), 8);
  EXPECT_EQ(count("SELECT COUNT(*) FROM exits"), 10);
  EXPECT_EQ(count("SELECT COUNT(*) FROM oom_kills"), 1);
  EXPECT_EQ(count("SELECT COUNT(*) FROM losses"), 1);
  EXPECT_EQ(count("SELECT events FROM captures"), static_cast<int64_t>(result_.events));
}

TEST_F(ImporterTest, SnapshotAndEventsMergeIntoOneProcessRow) {
  // sleep is in the snapshot (start rounded to a tick) and in events (exact).
  EXPECT_EQ(count("SELECT COUNT(*) FROM processes WHERE pid = 4242"), 1);
  EXPECT_EQ(count("SELECT start_ns FROM processes WHERE pid = 4242"),
            static_cast<int64_t>(scenario_.sleep.startNs));
  EXPECT_EQ(count("SELECT start_exact FROM processes WHERE pid = 4242"), 1);
  EXPECT_EQ(count("SELECT in_snapshot FROM processes WHERE pid = 4242"), 1);
  EXPECT_EQ(count("SELECT COUNT(*) FROM processes WHERE pid = 1000"), 1);
  // Parent links: sleep -> bash -> sshd -> systemd.
  EXPECT_EQ(count("SELECT pp.pid FROM processes p JOIN processes pp ON pp.id = p.parent_id"
                  " WHERE p.pid = 4242"),
            1000);
  EXPECT_EQ(count("SELECT pp.pid FROM processes p JOIN processes pp ON pp.id = p.parent_id"
                  " WHERE p.pid = 1000"),
            900);
}

TEST_F(ImporterTest, PidReuseGivesTwoRows) {
  EXPECT_EQ(count("SELECT COUNT(*) FROM processes WHERE pid = 5000"), 2);
  EXPECT_EQ(count("SELECT COUNT(DISTINCT process_id) FROM exits WHERE pid = 5000"), 2);
  auto stmt =
      db_->prepare("SELECT comm, cmdline FROM processes WHERE pid = 5000 ORDER BY start_ns");
  ASSERT_TRUE(stmt.step());
  EXPECT_EQ(stmt.getText(1), "sleep 100");
  ASSERT_TRUE(stmt.step());
  EXPECT_EQ(stmt.getText(0), "python3");
  EXPECT_EQ(stmt.getText(1), "python3 server.py");
}

TEST_F(ImporterTest, SignalsLinkCallsDeliveriesAndExits) {
  auto stmt = db_->prepare(
      "SELECT s.origin, s.code_name, k.syscall, s.disposition, sp.cmdline, e.reason"
      " FROM signals s JOIN kill_calls k ON k.id = s.kill_call_id"
      " JOIN processes sp ON sp.id = s.sender_id JOIN exits e ON e.signal_id = s.id"
      " WHERE s.target_pid = 4242");
  ASSERT_TRUE(stmt.step());
  EXPECT_EQ(stmt.getText(0), "kill");
  EXPECT_EQ(stmt.getText(1), "SI_USER");
  EXPECT_EQ(stmt.getText(2), "kill");
  EXPECT_EQ(stmt.getText(3), "default");
  EXPECT_EQ(stmt.getText(4), "pkill -f sleep");
  EXPECT_EQ(stmt.getText(5), "signal");
  EXPECT_FALSE(stmt.step());
}

TEST_F(ImporterTest, FailedKillCallIsKept) {
  auto stmt = db_->prepare(
      "SELECT k.ret, k.errno_name, k.signal_name, p.pid, k.time_ns - k.enter_ns FROM kill_calls k"
      " JOIN processes p ON p.id = k.target_id WHERE k.caller_pid = 2000");
  ASSERT_TRUE(stmt.step());
  EXPECT_EQ(stmt.getInt(0), -1);
  EXPECT_EQ(stmt.getText(1), "EPERM");
  EXPECT_EQ(stmt.getText(2), "SIGKILL");
  EXPECT_EQ(stmt.getInt(3), 4242);
  // time_ns is the entry, also for a call stamped at its exit (format 1.x).
  EXPECT_EQ(stmt.getInt(4), 0);
}

TEST_F(ImporterTest, ExitReasonsAreDecoded) {
  EXPECT_EQ(count("SELECT exit_status FROM exits WHERE pid = 3100"), 3);
  EXPECT_EQ(count("SELECT signo FROM exits WHERE pid = 3000"), 11);
  EXPECT_EQ(count("SELECT core_dumped FROM exits WHERE pid = 3000"), 1);
  EXPECT_EQ(count("SELECT COUNT(*) FROM exits WHERE pid = 7000 AND reason = 'oom'"), 1);
  EXPECT_EQ(count("SELECT COUNT(*) FROM exits WHERE pid = 7000 AND oom_id IS NOT NULL"), 1);
  EXPECT_EQ(count("SELECT COUNT(*) FROM exits WHERE pid = 4242 AND reason = 'signal'"), 1);
  // A process that was killed by the kernel: the signal row is found.
  EXPECT_EQ(count("SELECT s.code FROM exits e JOIN signals s ON s.id = e.signal_id"
                  " WHERE e.pid = 3000"),
            1);
}

TEST_F(ImporterTest, ShortLivedSenderKeepsItsCommandLine) {
  auto stmt = db_->prepare(
      "SELECT cmdline, exit_ns - start_ns, exec_count FROM processes WHERE pid = 1234");
  ASSERT_TRUE(stmt.step());
  EXPECT_EQ(stmt.getText(0), "pkill -f sleep");
  EXPECT_LT(stmt.getInt(1), static_cast<int64_t>(kMs));
  EXPECT_EQ(stmt.getInt(2), 1);
}

TEST_F(ImporterTest, ReimportChangesNothing) {
  auto before = count("SELECT COUNT(*) FROM signals") + count("SELECT COUNT(*) FROM processes");
  ImportResult again = importCapture(*db_, capturePath_);
  EXPECT_TRUE(again.skipped);
  EXPECT_EQ(again.captureId, result_.captureId);
  EXPECT_EQ(count("SELECT COUNT(*) FROM captures"), 1);
  EXPECT_EQ(count("SELECT COUNT(*) FROM signals") + count("SELECT COUNT(*) FROM processes"),
            before);
}

TEST_F(ImporterTest, TwoCapturesFromTwoHostsInOneDatabase) {
  testing::CaptureBuilder other = scenario_.build();
  other.hostname = "host-b";
  other.bootId = "boot-b";
  other.write(dir_ / "b.sigrec");
  ImportResult b = importCapture(*db_, dir_ / "b.sigrec");
  EXPECT_FALSE(b.skipped);
  EXPECT_NE(b.captureId, result_.captureId);
  EXPECT_EQ(count("SELECT COUNT(*) FROM captures"), 2);
  EXPECT_EQ(count("SELECT COUNT(*) FROM processes WHERE pid = 4242"), 2);
  // Links stay inside their capture.
  EXPECT_EQ(count("SELECT COUNT(*) FROM signals s JOIN processes p ON p.id = s.target_id"
                  " WHERE p.capture_id <> s.capture_id"),
            0);
  EXPECT_EQ(count("SELECT COUNT(*) FROM exits e JOIN signals s ON s.id = e.signal_id"
                  " WHERE e.capture_id <> s.capture_id"),
            0);
}

TEST_F(ImporterTest, GrownCaptureReplacesItsEarlierImport) {
  testing::CaptureBuilder partial = scenario_.build();
  partial.trailer = false;
  partial.write(dir_ / "same.sigrec");
  Db db("", Db::Mode::kMemory);
  ImportResult first = importCapture(db, dir_ / "same.sigrec");
  EXPECT_FALSE(first.trailer);
  ImportResult full = importCapture(db, capturePath_);
  EXPECT_TRUE(full.replaced);
  EXPECT_EQ(db.scalar("SELECT COUNT(*) FROM captures"), 1);
  EXPECT_EQ(db.scalar("SELECT trailer FROM captures"), 1);
  EXPECT_EQ(db.scalar("SELECT COUNT(*) FROM signals"), 6);
  // The shorter copy again: the complete import stays.
  EXPECT_TRUE(importCapture(db, dir_ / "same.sigrec").skipped);
  EXPECT_EQ(db.scalar("SELECT trailer FROM captures"), 1);
}

TEST(ImporterTruncation, ImportsWhatIsWholeAndReportsTheRest) {
  testing::TempDir dir;
  testing::Scenario scenario;
  testing::CaptureBuilder builder = scenario.build();
  builder.eventsPerBatch = 4;
  builder.trailer = false;
  builder.write(dir / "full.sigrec");
  auto size = std::filesystem::file_size(dir / "full.sigrec");
  std::filesystem::copy_file(dir / "full.sigrec", dir / "cut.sigrec");
  std::filesystem::resize_file(dir / "cut.sigrec", size - 10);

  Db db("", Db::Mode::kMemory);
  ImportResult result = importCapture(db, dir / "cut.sigrec");
  EXPECT_FALSE(result.trailer);
  ASSERT_EQ(result.damage.size(), 1u);
  EXPECT_TRUE(result.damage[0].truncation);
  EXPECT_GT(result.events, 0u);
  EXPECT_LT(result.events, 50u);
  EXPECT_EQ(db.scalar("SELECT COUNT(*) FROM damage WHERE truncation = 1"), 1);
  EXPECT_EQ(db.scalar("SELECT trailer FROM captures"), 0);
  std::string text = describeImport("cut.sigrec", result);
  EXPECT_NE(text.find("trailer missing"), std::string::npos);
  EXPECT_NE(text.find("truncated"), std::string::npos);
}

TEST(ImporterThreads, ThreadsStayInTheirProcess) {
  testing::TempDir dir;
  testing::CaptureBuilder b;
  testing::Task server{800, 800, kT0 + 1, "server"};
  testing::Task worker{800, 801, kT0 + 1, "worker"};
  b.fork(kT0 + 10, server, 801, 0, /*thread=*/true)
      .exit(kT0 + 20, worker, 0, /*groupDead=*/false)
      // exit_group from another thread: the process exits with that status.
      .exit(kT0 + 30, server, 2 << 8, true, 1, testing::kSec);
  b.write(dir / "t.sigrec");
  Db db("", Db::Mode::kMemory);
  importCapture(db, dir / "t.sigrec");
  EXPECT_EQ(db.scalar("SELECT COUNT(*) FROM processes WHERE pid = 800"), 1);
  EXPECT_EQ(db.scalar("SELECT COUNT(*) FROM forks WHERE thread = 1"), 1);
  EXPECT_EQ(db.scalar("SELECT COUNT(*) FROM thread_exits WHERE tid = 801"), 1);
  EXPECT_EQ(db.scalar("SELECT COUNT(*) FROM exits"), 1);
  EXPECT_EQ(db.scalar("SELECT exit_status FROM exits WHERE reason = 'exit'"), 2);
}

TEST(ImporterErrors, NotACaptureThrowsAndLeavesNothing) {
  testing::TempDir dir;
  std::ofstream(dir / "junk") << "hello";
  Db db("", Db::Mode::kMemory);
  EXPECT_THROW(importCapture(db, dir / "junk"), std::exception);
  EXPECT_THROW(importCapture(db, dir / "missing"), std::exception);
}

// Found by import_fuzz: a list of empty structs costs its frame no bytes, so
// a tiny capture held millions of events or counters and the import took
// minutes and gigabytes. Such a frame is now damage, and nothing of it is
// imported.
TEST(ImporterHostile, ListsOfEmptyRecordsAreDamageNotRows) {
  // A root struct with one pointer: an inline-composite list of COUNT
  // zero-sized structs (a tag word and nothing else). The first pointer is
  // EventBatch.events and Trailer.counters alike.
  constexpr uint64_t kCount = 1 << 19;
  const uint64_t raw[] = {1ull << 48, 1 | (7ull << 32), kCount << 2};
  kj::ArrayPtr<const capnp::word> segment(reinterpret_cast<const capnp::word*>(raw), 3);
  capnp::SegmentArrayMessageReader hostile(kj::arrayPtr(&segment, 1));

  ASSERT_EQ(hostile.getRoot<schema::EventBatch>().getEvents().size(), kCount);

  testing::TempDir dir;
  {
    // Written as they are: a builder would give every element its full size.
    capture::CaptureWriter writer(dir / "hostile.sigrec");
    writer.write(capture::FrameType::kEvents, kj::arrayPtr(&segment, 1));
    writer.write(capture::FrameType::kTrailer, kj::arrayPtr(&segment, 1));
  }
  ASSERT_LT(std::filesystem::file_size(dir / "hostile.sigrec"), 4096u);

  auto start = std::chrono::steady_clock::now();
  Db db("", Db::Mode::kMemory);
  ImportResult result = importCapture(db, dir / "hostile.sigrec");
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(10));
  EXPECT_EQ(result.events, 0u);
  EXPECT_FALSE(result.trailer);
  // Both frames are damage. The reader itself refuses the events (it visits
  // every event, and the traversal limit trips); it only opens the list of
  // counters, which the importer refuses.
  ASSERT_EQ(result.damage.size(), 2u);
  EXPECT_NE(result.damage[1].what.find("list of empty records"), std::string::npos)
      << result.damage[1].what;
  EXPECT_EQ(db.scalar("SELECT COUNT(*) FROM signals"), 0);
  EXPECT_EQ(db.scalar("SELECT COUNT(*) FROM probe_counters"), 0);
}

}  // namespace
}  // namespace sigrec::analyze
