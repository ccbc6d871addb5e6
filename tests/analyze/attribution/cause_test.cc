// The cause rules (analyze/attribution/cause.h) on the facts this machine's
// kernel gives (issue 16's table), and their vocabulary in docs/sigan.md.
#include "analyze/attribution/cause.h"

#include <gtest/gtest.h>

#include <csignal>
#include <fstream>
#include <sstream>

namespace sigrec::analyze {
namespace {

using Info = SignalFacts::Info;

SignalFacts kernelSignal(int signo, Info info, std::vector<std::string> stack) {
  SignalFacts f;
  f.signo = signo;
  f.info = info;
  f.actorPid = 100;
  f.actorTid = 101;
  f.targetPid = 200;
  f.targetTid = 200;
  f.stack = std::move(stack);
  return f;
}

TEST(Cause, KillCallIsSyscallWithTheCaller) {
  SignalFacts f = kernelSignal(SIGTERM, Info::kSiginfo, {});
  f.syscall = "kill";
  f.infoPid = 5;  // kill() fills si_pid in the target's namespace: never forged
  Cause c = decideCause(f);
  EXPECT_EQ(c.cause, "syscall");
  EXPECT_EQ(c.pid, 100);
  EXPECT_FALSE(c.forged);
}

TEST(Cause, SigqueueinfoClaimingAnotherPidIsForged) {
  SignalFacts f = kernelSignal(SIGTERM, Info::kSiginfo, {});
  f.syscall = "rt_sigqueueinfo";
  f.infoPid = 1;
  f.infoUid = 0;
  f.actorUid = 0;
  Cause c = decideCause(f);
  EXPECT_TRUE(c.forged);
  f.infoPid = 100;
  EXPECT_FALSE(decideCause(f).forged) << "its own pid";
  f.actorNsPid = 7;
  f.infoPid = 7;
  EXPECT_FALSE(decideCause(f).forged) << "its namespace pid";
}

TEST(Cause, PdeathsigIsParentDeathWithTheDyingThread) {
  SignalFacts f =
      kernelSignal(SIGTERM, Info::kNone,
                   {"__send_signal_locked", "do_send_sig_info", "do_exit", "__x64_sys_exit"});
  f.actorExiting = true;
  f.targetPdeath = true;
  Cause c = decideCause(f);
  EXPECT_EQ(c.cause, "parent_death");
  EXPECT_EQ(c.pid, 100);
  EXPECT_EQ(c.tid, 101);
}

TEST(Cause, TheSameSignalFromAnotherPathIsNotParentDeath) {
  SignalFacts f = kernelSignal(SIGTERM, Info::kNone, {"__send_signal_locked", "tty_ioctl"});
  f.actorExiting = true;
  f.targetPdeath = true;
  EXPECT_NE(decideCause(f).cause, "parent_death");
}

TEST(Cause, PidNamespaceTeardown) {
  SignalFacts f = kernelSignal(SIGKILL, Info::kPriv,
                               {"__send_signal_locked", "zap_pid_ns_processes", "do_exit"});
  EXPECT_EQ(decideCause(f).cause, "pidns_teardown");
  EXPECT_EQ(decideCause(f).pid, 100);
}

TEST(Cause, CgroupKillNamesTheWriterAndTheCgroup) {
  SignalFacts f = kernelSignal(SIGKILL, Info::kNone,
                               {"__send_signal_locked", "__cgroup_kill", "cgroup_kill_write"});
  f.group = false;
  f.targetCgroup = "/a.slice/b.service";
  Cause c = decideCause(f);
  EXPECT_EQ(c.cause, "cgroup_kill");
  EXPECT_EQ(c.pid, 100);
  EXPECT_EQ(c.detail, "/a.slice/b.service");
}

TEST(Cause, OomNamesTheAllocatingTaskAndTheMemoryCgroup) {
  SignalFacts f = kernelSignal(SIGKILL, Info::kPriv,
                               {"__send_signal_locked", "do_send_sig_info", "__oom_kill_process",
                                "oom_kill_process", "mem_cgroup_out_of_memory"});
  f.targetCgroup = "/";
  f.targetMemoryCgroup = "/sigrec-oom-1";
  Cause c = decideCause(f);
  EXPECT_EQ(c.cause, "oom");
  EXPECT_EQ(c.pid, 100);
  EXPECT_EQ(c.detail, "/sigrec-oom-1");
}

TEST(Cause, SeccompNamesTheRefusedSyscall) {
  SignalFacts f = kernelSignal(SIGSYS, Info::kSiginfo, {});
  f.code = 1;  // SYS_SECCOMP
  f.infoSyscall = 110;
  Cause c = decideCause(f);
  EXPECT_EQ(c.cause, "seccomp");
  EXPECT_EQ(c.detail, "getppid (110)");
}

TEST(Cause, PipeAlarmRlimitAndFault) {
  EXPECT_EQ(decideCause(kernelSignal(SIGPIPE, Info::kNone, {"anon_pipe_write"})).cause, "pipe");
  Cause alarm =
      decideCause(kernelSignal(SIGALRM, Info::kPriv, {"kill_pid_info_type", "it_real_fn"}));
  EXPECT_EQ(alarm.cause, "timer");
  EXPECT_EQ(alarm.pid, 200) << "the timer's owner, not the interrupted task";
  Cause fsize = decideCause(kernelSignal(SIGXFSZ, Info::kNone, {}));
  EXPECT_EQ(fsize.cause, "rlimit");
  EXPECT_EQ(fsize.detail, "RLIMIT_FSIZE");
  EXPECT_EQ(decideCause(kernelSignal(SIGXCPU, Info::kPriv, {})).detail, "RLIMIT_CPU");
  SignalFacts segv = kernelSignal(SIGSEGV, Info::kSiginfo, {});
  segv.code = 1;
  segv.codeName = "SEGV_MAPERR";
  segv.infoAddr = 0x10;
  EXPECT_EQ(decideCause(segv).detail, "SEGV_MAPERR at 0x10");
  segv.code = 0;  // a user-sent SIGSEGV outside any recorded call
  EXPECT_EQ(decideCause(segv).cause, "kernel");
}

TEST(Cause, TtyHangupAndIo) {
  EXPECT_EQ(decideCause(kernelSignal(SIGHUP, Info::kPriv,
                                     {"__send_signal_locked", "tty_signal_session_leader"}))
                .cause,
            "tty");
  Cause io = decideCause(kernelSignal(SIGIO, Info::kPriv, {"send_sigio", "kill_fasync"}));
  EXPECT_EQ(io.cause, "io");
  EXPECT_EQ(io.pid, 200);
}

TEST(Cause, AnythingElseIsKernelWithWhereItCameFrom) {
  Cause c = decideCause(kernelSignal(SIGUSR1, Info::kPriv,
                                     {"__send_signal_locked", "do_send_sig_info", "some_driver"}));
  EXPECT_EQ(c.cause, "kernel");
  EXPECT_EQ(c.detail, "from some_driver");
  EXPECT_FALSE(c.pid);
}

TEST(Cause, EveryCauseIsDocumented) {
  std::ifstream in(SIGAN_DOCS_DIR "/sigan.md");
  std::stringstream text;
  text << in.rdbuf();
  ASSERT_FALSE(text.str().empty());
  for (const std::string& name : causeNames())
    EXPECT_NE(text.str().find("| `" + name + "` |"), std::string::npos)
        << name << " has no row in docs/sigan.md's table of causes";
}

}  // namespace
}  // namespace sigrec::analyze
