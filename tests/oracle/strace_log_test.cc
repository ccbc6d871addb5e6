// The strace parser on lines strace 6.1 printed (tests/oracle/README.md).
#include "tests/oracle/strace_log.h"

#include <gtest/gtest.h>

#include <sstream>

namespace sigrec::oracle {
namespace {

StraceLog parse(const std::string& text) {
  std::istringstream in(text);
  return parseStraceLog(in);
}

TEST(StraceLog, ReadsCallsResultsAndErrnos) {
  auto log = parse(
      "8364  1796117458.906517 kill(2 /* 8365 in strace's PID NS */, SIGTERM) = 0\n"
      "8364  1796117458.934891 kill(99, 0)     = -1 ESRCH (No such process)\n"
      "9626  1796117480.599239 kill(9626, -2147483648) = -1 EINVAL (Invalid argument)\n");
  ASSERT_EQ(log.calls.size(), 3u);
  EXPECT_TRUE(log.unparsed.empty());
  const auto& c = log.calls[0];
  EXPECT_EQ(c.tid, 8364);
  EXPECT_EQ(c.syscall, "kill");
  EXPECT_EQ(c.args[0].value, 2);
  EXPECT_EQ(c.args[0].hostPid, 8365);
  EXPECT_EQ(c.args[1].value, 15);
  EXPECT_EQ(c.ret, 0);
  EXPECT_EQ(log.calls[1].ret, -1);
  EXPECT_EQ(log.calls[1].errnoName, "ESRCH");
  EXPECT_EQ(log.calls[2].args[1].value, -2147483648L);
}

TEST(StraceLog, JoinsUnfinishedAndResumedParts) {
  auto log = parse(
      "9631  1.000001 kill(9631, SIGCONT <unfinished ...>\n"
      "9626  1.000002 --- SIGCONT {si_signo=SIGCONT, si_code=SI_USER, si_pid=9626, si_uid=0} ---\n"
      "9631  1.000003 <... kill resumed>) = 0\n"
      "9632  1.000004 tgkill(9632, 9632, SIGABRT <unfinished ...>\n"
      "9632  1.000005 +++ killed by SIGABRT (core dumped) +++\n");
  ASSERT_EQ(log.calls.size(), 2u);
  EXPECT_EQ(log.calls[0].time, 1.000001);
  EXPECT_EQ(log.calls[0].args[1].value, 18);
  EXPECT_TRUE(log.calls[0].returned);
  EXPECT_FALSE(log.calls[1].returned);  // the caller died inside
  ASSERT_EQ(log.exits.size(), 1u);
  EXPECT_TRUE(log.exits[0].killed);
  EXPECT_EQ(log.exits[0].status, 6);
  EXPECT_TRUE(log.exits[0].core);
  ASSERT_EQ(log.deliveries.size(), 1u);
  EXPECT_EQ(log.deliveries[0].code, "SI_USER");
}

TEST(StraceLog, MapsThreadsToTheirProcessAndPidfdsToTheirPid) {
  auto log = parse(
      "100 1.0 clone(child_stack=NULL, flags=CLONE_CHILD_CLEARTID|SIGCHLD, child_tidptr=0x1) = "
      "200\n"
      "200 1.1 clone3({flags=CLONE_VM|CLONE_THREAD|CLONE_SIGHAND, exit_signal=0} => "
      "{parent_tid=[201]}, 88) = 201\n"
      "201 1.2 pidfd_send_signal(3<pid:300>, SIGTERM, NULL, 0) = 0\n"
      "201 1.3 +++ exited with 0 +++\n"
      "200 1.4 +++ exited with 4 +++\n");
  EXPECT_EQ(log.tgid(200), 200);
  EXPECT_EQ(log.tgid(201), 200);
  EXPECT_FALSE(log.isThreadGroupLeader(201));
  ASSERT_EQ(log.calls.size(), 1u);
  EXPECT_EQ(log.calls[0].args[0].value, 3);
  EXPECT_EQ(log.calls[0].args[0].hostPid, 300);
  EXPECT_EQ(log.calls[0].args[2].value, 0);
  EXPECT_EQ(log.exits[1].status, 4);
}

TEST(StraceLog, NamesSignalsInTheKernelsNumbering) {
  EXPECT_EQ(signalNumber("SIGKILL"), 9);
  EXPECT_EQ(signalNumber("SIGRTMIN"), 32);
  EXPECT_EQ(signalNumber("SIGRT_2"), 34);
  EXPECT_EQ(signalNumber("SIGIOT"), 6);
  EXPECT_EQ(signalNumber("SIGNOPE"), std::nullopt);
}

TEST(StraceLog, KeepsWhatItCannotRead) {
  auto log = parse("garbage\n100 1.0 kill(1, SIGTERM\n100 1.1 <... tkill resumed>) = 0\n");
  EXPECT_EQ(log.unparsed.size(), 3u);
}

}  // namespace
}  // namespace sigrec::oracle
