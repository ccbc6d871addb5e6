#include "analyze/import/import_focus.h"

#include <gtest/gtest.h>

#include <capnp/message.h>

#include "analyze/import/importer.h"
#include "tests/analyze/scenario.h"

namespace sigrec::analyze {
namespace {

using schema::Event;
using S = schema::Syscall;
using testing::kMs;
using testing::kT0;

// One event, as a reader (the builder keeps it alive).
class OneEvent {
 public:
  Event::Builder init(uint32_t pid, uint32_t tid) {
    Event::Builder ev = message_.initRoot<Event>();
    ev.setPid(pid);
    ev.setTid(tid);
    return ev;
  }
  Event::Reader reader() { return message_.getRoot<Event>().asReader(); }

 private:
  capnp::MallocMessageBuilder message_;
};

Event::Reader signal(OneEvent& e, uint32_t sender, uint32_t targetPid, uint32_t targetTid,
                     uint64_t enterNs, S syscall = S::KILL) {
  auto g = e.init(sender, sender).initSignalGenerate();
  g.setTargetPid(targetPid);
  g.setTargetTid(targetTid);
  g.setSyscall(syscall);
  g.setCallEnterNs(enterNs);
  return e.reader();
}

Event::Reader killCall(OneEvent& e, uint32_t caller, uint64_t enterNs, int64_t ret) {
  auto k = e.init(caller, caller).initKillCall();
  k.setEnterNs(enterNs);
  k.setRet(ret);
  k.setArg0(4242);
  return e.reader();
}

TEST(WhoKilledFocus, KeepsSignalsToThePidAndItsThreads) {
  WhoKilledFocus focus(4242);
  OneEvent a, b, c, d;
  EXPECT_TRUE(focus.keeps(signal(a, 100, 4242, 4242, 5)));
  EXPECT_TRUE(focus.keeps(signal(b, 100, 4242, 4250, 6, S::TGKILL)));  // a thread of 4242
  EXPECT_TRUE(focus.keeps(signal(c, 0, 4242, 4242, 0, S::NONE)));      // the kernel's
  EXPECT_FALSE(focus.keeps(signal(d, 4242, 300, 300, 7)));             // sent by 4242, not to it
}

TEST(WhoKilledFocus, KeepsDeliveriesToThePidOnly) {
  WhoKilledFocus focus(4242);
  OneEvent mine, thread, other;
  mine.init(4242, 4242).initSignalDeliver();
  thread.init(4242, 4250).initSignalDeliver();
  other.init(300, 4242).initSignalDeliver();  // tid 4242 of another process
  EXPECT_TRUE(focus.keeps(mine.reader()));
  EXPECT_TRUE(focus.keeps(thread.reader()));
  EXPECT_FALSE(focus.keeps(other.reader()));
}

TEST(WhoKilledFocus, KeepsTheCallsOfKeptSignalsAndEveryFailedCall) {
  WhoKilledFocus focus(4242);
  OneEvent sig, call, unrelated, failed, sameTimeOtherThread;
  ASSERT_TRUE(focus.keeps(signal(sig, 100, 4242, 4242, 50)));
  EXPECT_TRUE(focus.keeps(killCall(call, 100, 50, 0)));
  EXPECT_FALSE(focus.keeps(killCall(unrelated, 100, 60, 0)));
  EXPECT_FALSE(focus.keeps(killCall(sameTimeOtherThread, 101, 50, 0)));
  EXPECT_TRUE(focus.keeps(killCall(failed, 300, 70, -1)));  // its target: the tracker's to say
  EXPECT_FALSE(focus.missedCall());
}

TEST(WhoKilledFocus, KeepsEveryProcessEvent) {
  WhoKilledFocus focus(4242);
  OneEvent fork, exec, exit, oom;
  fork.init(1, 1).initFork();
  exec.init(7, 7).initExec();
  exit.init(7, 7).initExit();
  oom.init(7, 7).initOomVictim();
  for (OneEvent* e : {&fork, &exec, &exit, &oom}) EXPECT_TRUE(focus.keeps(e->reader()));
}

TEST(WhoKilledFocus, ACallPassedOverBeforeItsSignalIsAMiss) {
  WhoKilledFocus focus(4242);
  OneEvent call, sig;
  EXPECT_FALSE(focus.keeps(killCall(call, 100, 50, 0)));
  EXPECT_FALSE(focus.missedCall());
  EXPECT_TRUE(focus.keeps(signal(sig, 100, 4242, 4242, 50)));
  EXPECT_TRUE(focus.missedCall());
}

class FocusedImport : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = dir_ / "scenario.sigrec";
    testing::Scenario().build().write(path_);
    importCapture(full_, path_);
  }
  // Every row QUERY returns, as text.
  static std::string dump(const Db& db, const std::string& query) {
    auto stmt = db.prepare(query);
    std::string text;
    while (stmt.step()) {
      for (int i = 0; i < stmt.columnCount(); ++i)
        text += (stmt.isNull(i) ? std::string("NULL") : stmt.getText(i)) + "|";
      text += "\n";
    }
    return text;
  }
  testing::TempDir dir_;
  std::filesystem::path path_;
  Db full_{"", Db::Mode::kMemory};
  Db focused_{"", Db::Mode::kMemory};
};

TEST_F(FocusedImport, KeepsOnlyTheRowsTheAnswerReadsAsTheFullImportHasThem) {
  ImportResult r = importCapture(focused_, path_, {}, ImportFocus{5000});
  EXPECT_EQ(r.events, static_cast<uint64_t>(*full_.scalar("SELECT events FROM captures")));
  for (Db* db : {&focused_, &full_}) db->exec("UPDATE captures SET imported_at = ''");  // a clock
  for (std::string table : {"captures", "oom_kills", "losses", "probe_counters", "damage"})
    EXPECT_EQ(dump(focused_, "SELECT * FROM " + table), dump(full_, "SELECT * FROM " + table))
        << table;
  // Both instances of 5000, their sender bash and its ancestry (and evil,
  // whose failed call is kept, as every failed call is), each row
  // as the full import has it (in_scope and scope aside: who-killed PID
  // reads neither).
  const std::string processes =
      "SELECT id, pid, start_ns, start_exact, ppid, parent_id, comm, exe, cmdline, uid, cgroup,"
      " ns_pid, exit_ns, first_seen_ns, last_seen_ns, cmdline_truncated FROM processes";
  EXPECT_EQ(dump(focused_, processes + " ORDER BY id"),
            dump(full_, processes + " WHERE pid IN (5000, 1000, 900, 1, 2000) ORDER BY id"));
  const std::string exits =
      "SELECT process_id, time_ns, reason, signo, signal_id IS NOT NULL FROM exits";
  EXPECT_EQ(dump(focused_, exits + " ORDER BY time_ns"),
            dump(full_, exits + " WHERE pid = 5000 ORDER BY time_ns"));
  for (const char* table : {"forks", "execs", "thread_exits"})  // who-killed reads none
    EXPECT_EQ(*focused_.scalar(std::string("SELECT COUNT(*) FROM ") + table), 0) << table;
  EXPECT_EQ(*focused_.scalar("SELECT COUNT(*) FROM signals"), 2);  // one at each instance
  EXPECT_EQ(*focused_.scalar("SELECT COUNT(*) FROM signals WHERE target_pid <> 5000"), 0);
  EXPECT_EQ(*focused_.scalar("SELECT COUNT(*) FROM kill_calls WHERE ret >= 0"), 2);
  EXPECT_EQ(*focused_.scalar("SELECT COUNT(*) FROM kill_calls WHERE ret < 0"),
            *full_.scalar("SELECT COUNT(*) FROM kill_calls WHERE ret < 0"));
  EXPECT_LT(*focused_.scalar("SELECT COUNT(*) FROM signals"),
            *full_.scalar("SELECT COUNT(*) FROM signals"));
}

TEST_F(FocusedImport, ACallBeforeItsSignalIsUnsureAndLeavesTheDatabaseUnchanged) {
  testing::CaptureBuilder b;
  testing::Task killer{100, 100, kT0 - 5 * kMs, "killer"},
      victim{200, 200, kT0 - 4 * kMs, "victim"};
  b.killCall(kT0 + 1 * kMs, killer, S::KILL, kT0, 0, {200, 15}, 1)
      .generate(kT0 + 2 * kMs, killer, 15, 0, victim, S::KILL, kT0);
  const std::filesystem::path path = dir_ / "order.sigrec";
  b.write(path);
  EXPECT_THROW(importCapture(focused_, path, {}, ImportFocus{200}), FocusUnsure);
  EXPECT_EQ(*focused_.scalar("SELECT COUNT(*) FROM sqlite_master"), 0);  // not even the schema
  EXPECT_NO_THROW(importCapture(focused_, path, {}, ImportFocus{300}));  // 200's call: not needed
}

}  // namespace
}  // namespace sigrec::analyze
