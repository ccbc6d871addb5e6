#include "base/names.h"

#include <gtest/gtest.h>

namespace sigrec::names {
namespace {

TEST(Names, Signals) {
  EXPECT_EQ(signalName(9), "SIGKILL");
  EXPECT_EQ(signalName(15), "SIGTERM");
  EXPECT_EQ(signalName(17), "SIGCHLD");
  EXPECT_EQ(signalName(31), "SIGSYS");
  EXPECT_EQ(signalName(32), "SIGRTMIN");
  EXPECT_EQ(signalName(35), "SIGRTMIN+3");
  EXPECT_EQ(signalName(64), "SIGRTMAX");
  EXPECT_EQ(signalName(0), "SIG0");
  EXPECT_EQ(signalName(99), "SIG99");
}

TEST(Names, ParseSignal) {
  EXPECT_EQ(parseSignal("SIGTERM"), 15);
  EXPECT_EQ(parseSignal("term"), 15);
  EXPECT_EQ(parseSignal("9"), 9);
  EXPECT_EQ(parseSignal("SIGRTMIN+2"), 34);
  EXPECT_EQ(parseSignal("SIGIOT"), 6);
  EXPECT_FALSE(parseSignal("SIGFOO"));
  EXPECT_FALSE(parseSignal("65"));
  EXPECT_FALSE(parseSignal(""));
}

TEST(Names, SiCodes) {
  EXPECT_EQ(siCodeName(15, 0), "SI_USER");
  EXPECT_EQ(siCodeName(9, 0x80), "SI_KERNEL");
  EXPECT_EQ(siCodeName(10, -1), "SI_QUEUE");
  EXPECT_EQ(siCodeName(14, -2), "SI_TIMER");
  EXPECT_EQ(siCodeName(10, -3), "SI_MESGQ");
  EXPECT_EQ(siCodeName(10, -4), "SI_ASYNCIO");
  EXPECT_EQ(siCodeName(29, -5), "SI_SIGIO");
  EXPECT_EQ(siCodeName(6, -6), "SI_TKILL");
  EXPECT_EQ(siCodeName(11, 1), "SEGV_MAPERR");
  EXPECT_EQ(siCodeName(11, 2), "SEGV_ACCERR");
  EXPECT_EQ(siCodeName(7, 2), "BUS_ADRERR");
  EXPECT_EQ(siCodeName(8, 1), "FPE_INTDIV");
  EXPECT_EQ(siCodeName(4, 1), "ILL_ILLOPC");
  EXPECT_EQ(siCodeName(5, 1), "TRAP_BRKPT");
  EXPECT_EQ(siCodeName(17, 1), "CLD_EXITED");
  EXPECT_EQ(siCodeName(17, 2), "CLD_KILLED");
  EXPECT_EQ(siCodeName(29, 1), "POLL_IN");
  EXPECT_EQ(siCodeName(31, 1), "SYS_SECCOMP");
  // A positive code means nothing for a signal without per-signal codes.
  EXPECT_EQ(siCodeName(15, 1), "1");
  EXPECT_EQ(siCodeName(15, -42), "-42");
}

TEST(Names, Errno) {
  EXPECT_EQ(errnoName(1), "EPERM");
  EXPECT_EQ(errnoName(3), "ESRCH");
  EXPECT_EQ(errnoName(22), "EINVAL");
  EXPECT_EQ(errnoName(100000), "E100000");
}

TEST(Names, ExitCodes) {
  auto normal = decodeExitCode(3 << 8);
  EXPECT_FALSE(normal.signaled);
  EXPECT_EQ(normal.status, 3);
  EXPECT_EQ(describeExit(normal), "exit 3");

  auto killed = decodeExitCode(9);
  EXPECT_TRUE(killed.signaled);
  EXPECT_EQ(killed.signal, 9);
  EXPECT_FALSE(killed.coreDumped);

  auto core = decodeExitCode(11 | 0x80);
  EXPECT_TRUE(core.signaled);
  EXPECT_EQ(core.signal, 11);
  EXPECT_TRUE(core.coreDumped);
  EXPECT_EQ(describeExit(core), "SIGSEGV (core dumped)");

  EXPECT_EQ(decodeExitCode(0).status, 0);
  EXPECT_EQ(decodeExitCode(255 << 8).status, 255);
}

}  // namespace
}  // namespace sigrec::names
