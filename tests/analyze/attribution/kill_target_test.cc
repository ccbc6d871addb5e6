// Kill-call targets (analyze/attribution/kill_target.h): resolved in the
// caller's pid namespace, held by a zombie until the next holder starts,
// none when the kernel said ESRCH.
#include <gtest/gtest.h>

#include <cerrno>

#include "analyze/store/db_schema.h"
#include "analyze/import/importer.h"
#include "analyze/store/tables.h"
#include "tests/support/capture_builder.h"

namespace sigrec::analyze {
namespace {

using schema::Syscall;
using testing::CaptureBuilder;
using testing::ChildNs;
using testing::kHostPidNs;
using testing::kMs;
using testing::kSec;
using testing::Task;

constexpr uint64_t kT0 = 1000 * testing::kSec;
constexpr uint32_t kNs = 4026532000;      // a pid namespace
constexpr uint32_t kNested = 4026532100;  // one created inside it

class KillTargetTest : public ::testing::Test {
 protected:
  void import(const CaptureBuilder& b) {
    b.write(dir_ / "c.sigrec");
    db_ = std::make_unique<Db>("", Db::Mode::kMemory);
    importCapture(*db_, dir_ / "c.sigrec");
  }
  // The pid of kill call N's target instance (by entry order), -1 if none.
  int64_t targetPid(int n) {
    return db_
        ->scalar(
            "SELECT COALESCE(p.pid, -1) FROM kill_calls k LEFT JOIN processes p"
            " ON p.id = k.target_id ORDER BY k.enter_ns, k.id LIMIT 1 OFFSET " +
            std::to_string(n))
        .value_or(-2);
  }
  // Start time of kill call N's target instance.
  int64_t targetStart(int n) {
    return db_
        ->scalar(
            "SELECT COALESCE(p.start_ns, -1) FROM kill_calls k"
            " LEFT JOIN processes p ON p.id = k.target_id"
            " ORDER BY k.enter_ns, k.id LIMIT 1 OFFSET " +
            std::to_string(n))
        .value_or(-1);
  }
  std::optional<int64_t> column(int n, const std::string& name) {
    auto st =
        db_->prepare("SELECT " + name + " FROM kill_calls ORDER BY enter_ns, id LIMIT 1 OFFSET " +
                     std::to_string(n));
    if (!st.step()) return std::nullopt;
    return st.getOptInt(0);
  }

  testing::TempDir dir_;
  std::unique_ptr<Db> db_;
};

// A shell in the initial namespace runs `unshare -fp`: its child is pid 1 of
// a new namespace and forks pids 2 and 3 there. Host pid 2 is kthreadd.
struct Namespace {
  Task kthreadd{2, 0, kT0 - 100 * kSec, "kthreadd"};
  Task host4{4, 0, kT0 - 100 * kSec, "kworker"};
  Task unshare{3000, 0, kT0 + 1 * kMs, "unshare"};
  Task init{3001, 0, kT0 + 2 * kMs, "sh"};
  Task victim{3002, 0, kT0 + 3 * kMs, "sleep"};
  Task sibling{3003, 0, kT0 + 4 * kMs, "sh"};
  Task nestedInit{3004, 0, kT0 + 5 * kMs, "sh"};

  CaptureBuilder build() const {
    CaptureBuilder b;
    b.process({2, 0, kthreadd.startNs, "kthreadd", "", {}, 2, kHostPidNs});
    b.process({4, 2, host4.startNs, "kworker", "", {}, 4, kHostPidNs});
    b.fork(kT0 + 2 * kMs, unshare, init.pid, init.startNs, false, {kNs, 1});
    b.fork(kT0 + 3 * kMs, init, victim.pid, victim.startNs, false, {kNs, 2});
    b.fork(kT0 + 4 * kMs, init, sibling.pid, sibling.startNs, false, {kNs, 3});
    // The victim runs `unshare -fp` too: pid 4 of kNs, pid 1 of kNested.
    b.fork(kT0 + 5 * kMs, victim, nestedInit.pid, nestedInit.startNs, false, {kNested, 1});
    return b;
  }
};

TEST_F(KillTargetTest, ACallInAPidNamespaceNamesThatNamespacesPid) {
  Namespace ns;
  CaptureBuilder b = ns.build();
  b.killCall(kT0 + 10 * kMs, ns.init, Syscall::KILL, kT0 + 10 * kMs, 0, {2, 0}, 0);
  b.killCall(kT0 + 11 * kMs, ns.sibling, Syscall::KILL, kT0 + 11 * kMs, 0, {2, 15}, 1);
  b.killCall(kT0 + 12 * kMs, ns.sibling, Syscall::TGKILL, kT0 + 12 * kMs, 0, {3, 3, 10}, 1);
  import(b);
  EXPECT_EQ(targetPid(0), 3002) << "not host pid 2 (kthreadd)";
  EXPECT_EQ(column(0, "target_pid"), 2) << "the argument as passed";
  EXPECT_EQ(column(0, "target_host_pid"), 3002);
  EXPECT_EQ(targetPid(1), 3002);
  EXPECT_EQ(targetPid(2), 3003) << "tgkill of itself";
  EXPECT_EQ(column(2, "target_host_pid"), 3003);
  EXPECT_EQ(column(2, "target_host_tid"), 3003);
}

TEST_F(KillTargetTest, AHostCallerStillNamesHostPids) {
  Namespace ns;
  CaptureBuilder b = ns.build();
  b.killCall(kT0 + 10 * kMs, ns.unshare, Syscall::KILL, kT0 + 10 * kMs, 0, {2, 0}, 0);
  b.killCall(kT0 + 11 * kMs, ns.unshare, Syscall::KILL, kT0 + 11 * kMs, 0, {3002, 0}, 0);
  import(b);
  EXPECT_EQ(targetPid(0), 2);
  EXPECT_EQ(targetPid(1), 3002);
  EXPECT_EQ(column(1, "target_host_pid"), 3002);
}

TEST_F(KillTargetTest, ATargetWhosePidInTheCallersNamespaceIsUnknownIsNone) {
  Namespace ns;
  CaptureBuilder b = ns.build();
  // Pid 4 of kNs is the nested init; only its pid in kNested (1) is recorded.
  b.killCall(kT0 + 10 * kMs, ns.init, Syscall::KILL, kT0 + 10 * kMs, 0, {4, 0}, 0);
  import(b);
  EXPECT_EQ(targetPid(0), -1) << "not host pid 4";
  EXPECT_EQ(column(0, "target_host_pid"), std::nullopt);
  EXPECT_EQ(column(0, "target_pid"), 4);
}

TEST_F(KillTargetTest, ARefusedCallInANamespaceHasNoHostPid) {
  Namespace ns;
  CaptureBuilder b = ns.build();
  b.killCall(kT0 + 10 * kMs, ns.init, Syscall::KILL, kT0 + 10 * kMs, -ESRCH, {2, 9}, 0);
  import(b);
  EXPECT_EQ(targetPid(0), -1);
  EXPECT_EQ(column(0, "target_host_pid"), std::nullopt);
  // who-killed 2 (kthreadd) must not list it as aimed at the host's pid 2.
  EXPECT_EQ(db_->scalar("SELECT COUNT(*) FROM kill_calls WHERE target_host_pid = 2"), 0);
}

TEST_F(KillTargetTest, ACallerWhoseForkComesLaterIsResolvedInItsNamespace) {
  Namespace ns;
  CaptureBuilder b;
  b.process({2, 0, ns.kthreadd.startNs, "kthreadd", "", {}, 2, kHostPidNs});
  // Another CPU's batch first: the call, then the forks that explain it.
  b.killCall(kT0 + 10 * kMs, ns.init, Syscall::KILL, kT0 + 10 * kMs, 0, {2, 0}, 0);
  b.fork(kT0 + 2 * kMs, ns.unshare, ns.init.pid, ns.init.startNs, false, {kNs, 1});
  b.fork(kT0 + 3 * kMs, ns.init, ns.victim.pid, ns.victim.startNs, false, {kNs, 2});
  import(b);
  EXPECT_EQ(targetPid(0), 3002);
  EXPECT_EQ(column(0, "target_host_pid"), 3002);
}

// A parent signals its child after the child exited and before it reaps
// it, then again after; then the pid is reused.
TEST_F(KillTargetTest, AZombieHoldsItsPidUntilTheNextHolderStarts) {
  Task parent{100, 0, kT0 - 10 * kSec, "sh"};
  Task child{5100, 0, kT0 + 1 * kMs, "sleep"};
  Task reuse{5100, 0, kT0 + 50 * kMs, "cat"};
  CaptureBuilder b;
  b.process({100, 1, kT0 - 10 * kSec, "sh", "/bin/sh", {"sh"}});
  b.fork(kT0 + 1 * kMs, parent, child.pid, child.startNs);
  b.exit(kT0 + 5 * kMs, child, 0, true, parent.pid, parent.startNs);
  b.killCall(kT0 + 10 * kMs, parent, Syscall::KILL, kT0 + 10 * kMs, 0, {5100, 9}, 0);
  b.killCall(kT0 + 20 * kMs, parent, Syscall::KILL, kT0 + 20 * kMs, -ESRCH, {5100, 9}, 0);
  b.fork(kT0 + 50 * kMs, parent, reuse.pid, reuse.startNs);
  b.killCall(kT0 + 60 * kMs, parent, Syscall::KILL, kT0 + 60 * kMs, 0, {5100, 15}, 1);
  import(b);
  EXPECT_EQ(targetStart(0), static_cast<int64_t>(child.startNs)) << "the zombie";
  EXPECT_EQ(targetPid(1), -1) << "ESRCH: reaped";
  EXPECT_EQ(column(1, "target_host_pid"), 5100) << "a host caller's number is the host pid";
  EXPECT_EQ(targetStart(2), static_cast<int64_t>(reuse.startNs));
}

TEST_F(KillTargetTest, AHolderLearntLaterIsRecomputed) {
  Task parent{100, 0, kT0 - 10 * kSec, "sh"};
  Task old{5100, 0, kT0 - 5 * kSec, "old"};
  Task child{5100, 0, kT0 + 1 * kMs, "sleep"};
  CaptureBuilder b;
  b.process({100, 1, kT0 - 10 * kSec, "sh", "/bin/sh", {"sh"}});
  b.process({5100, 100, kT0 - 5 * kSec, "old", "/bin/old", {"old"}});
  b.exit(kT0, old, 0, true, parent.pid, parent.startNs);
  b.killCall(kT0 + 10 * kMs, parent, Syscall::KILL, kT0 + 10 * kMs, 0, {5100, 9}, 1);
  b.fork(kT0 + 1 * kMs, parent, child.pid, child.startNs);  // a later batch
  import(b);
  EXPECT_EQ(targetStart(0), static_cast<int64_t>(child.startNs));
}

TEST_F(KillTargetTest, ATkillOfAThreadNamesItsProcess) {
  Task proc{700, 0, kT0 - 10 * kSec, "server"};
  Task caller{800, 0, kT0 - 10 * kSec, "sh"};
  CaptureBuilder b;
  b.process({700, 1, proc.startNs, "server", "/bin/server", {"server"}});
  b.process({800, 1, caller.startNs, "sh", "/bin/sh", {"sh"}});
  b.fork(kT0 + 1 * kMs, proc, 705, 0, true);
  b.killCall(kT0 + 10 * kMs, caller, Syscall::TKILL, kT0 + 10 * kMs, -EPERM, {705, 10}, 0);
  import(b);
  EXPECT_EQ(targetPid(0), 700);
  EXPECT_EQ(column(0, "target_host_tid"), 705);
}

TEST_F(KillTargetTest, ACallThatNeverReturnedIsStoredAsSuch) {
  Task self{900, 0, kT0 - 10 * kSec, "python3"};
  CaptureBuilder b;
  b.process({900, 1, self.startNs, "python3", "/usr/bin/python3", {"python3"}});
  b.killCall(kT0 + 10 * kMs, self, Syscall::KILL, kT0 + 10 * kMs, 0, {900, 9}, 1, true);
  b.killCall(kT0 + 5 * kMs, self, Syscall::KILL, kT0 + 5 * kMs, 0, {900, 0}, 0);
  import(b);
  EXPECT_EQ(column(0, "returned"), 1);
  EXPECT_EQ(column(1, "returned"), 0);
  EXPECT_EQ(targetPid(1), 900);
}

// A database of schema version 1 (no host columns) is refused for queries
// and upgraded by the next import; its rows were resolved against host pids.
TEST_F(KillTargetTest, AVersion1DatabaseIsUpgradedByTheNextImport) {
  Task self{900, 0, kT0 - 10 * kSec, "sh"};
  CaptureBuilder first;
  first.killCall(kT0 + 10 * kMs, self, Syscall::KILL, kT0 + 10 * kMs, -ESRCH, {4321, 9}, 0);
  import(first);
  // A version-1 database: without the columns the registry says version 2
  // added (and the indexes on them).
  db_->exec("DROP INDEX kill_calls_shown_target; DROP INDEX kill_calls_shown_caller;");
  // Views that show later columns did not exist in version 1 (an upgrade
  // makes them anew): they would keep those columns from being dropped.
  db_->exec("DROP VIEW v_signals; DROP VIEW v_exits;");
  for (const store::Table& t : store::tables())
    for (const store::Column& c : t.columns)
      if (c.since > 1) db_->exec(std::string("ALTER TABLE ") + t.name + " DROP COLUMN " + c.name);
  db_->exec("UPDATE sigan_meta SET value = '1' WHERE key = 'schema_version'");
  EXPECT_THROW(checkSchema(*db_), DbError);
  CaptureBuilder second;
  second.hostname = "host-b";
  second.write(dir_ / "second.sigrec");
  importCapture(*db_, dir_ / "second.sigrec");
  EXPECT_NO_THROW(checkSchema(*db_));
  EXPECT_EQ(column(0, "target_host_pid"), 4321);
  EXPECT_EQ(column(0, "returned"), std::nullopt);
}

}  // namespace
}  // namespace sigrec::analyze
