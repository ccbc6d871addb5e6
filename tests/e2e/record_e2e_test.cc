// End-to-end: the real sigrec binary, the real BPF programs, real processes;
// the capture is read back with the schema/ library (issue: recorder).
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/utsname.h>

#include <cerrno>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>

#include "tests/e2e/recorder_fixture.h"
#include "tests/support/bpf_guard.h"

namespace sigrec::testing {
namespace {

using Event = schema::Event::Reader;

bool isGenerate(Event e) {
  return e.which() == schema::Event::SIGNAL_GENERATE;
}
bool isKillCall(Event e) {
  return e.which() == schema::Event::KILL_CALL;
}
bool isExit(Event e) {
  return e.which() == schema::Event::EXIT;
}
bool isFork(Event e) {
  return e.which() == schema::Event::FORK;
}
bool isExec(Event e) {
  return e.which() == schema::Event::EXEC;
}

// Every recording here is small: nothing may be lost, and the file must be
// whole, with its trailer.
void expectCompleteCapture(const LoadedCapture& c) {
  ASSERT_EQ(c.infos.size(), 1u);
  ASSERT_EQ(c.snapshots.size(), 1u);
  ASSERT_EQ(c.trailers.size(), 1u);
  EXPECT_TRUE(c.damage.empty());
  EXPECT_EQ(c.trailers[0].getLost(), 0u);
  EXPECT_TRUE(c.losses.empty());
  EXPECT_EQ(c.trailers[0].getEvents(), c.events.size());
  EXPECT_EQ(c.trailers[0].getUserDropped(), 0u);
}

// The start time of a process as its fork event reported it.
uint64_t forkedStart(const LoadedCapture& c, long pid) {
  auto forks = c.where([&](Event e) { return isFork(e) && e.getFork().getChildPid() == pid; });
  EXPECT_EQ(forks.size(), 1u) << "fork of " << pid;
  return forks.empty() ? 0 : forks[0].getFork().getChildStartNs();
}

Event processExit(const LoadedCapture& c, long pid) {
  auto exits = c.where([&](Event e) { return isExit(e) && e.getPid() == pid; });
  EXPECT_EQ(exits.size(), 1u) << "exit of " << pid;
  EXPECT_TRUE(!exits.empty() && exits[0].getExit().getGroupDead());
  return exits.empty() ? Event() : exits[0];
}

class RecordE2e : public ::testing::Test {
 protected:
  void SetUp() override { SIGREC_REQUIRE_ROOT_OR_SKIP(); }
};

// The in-call tag, whichever map holds it: task storage by default, a hash
// on kernels before v5.11 (forced here with SIGREC_FORCE_FALLBACK, together
// with the other fallback of those kernels: current read with probe reads).
void expectKillFromChildAttributed(const Recording& rec) {
  ASSERT_EQ(rec.result.status, 0) << rec.result.err;
  expectCompleteCapture(rec.capture);
  long target = rec.value.at("target"), sender = rec.value.at("sender");

  auto sigs = rec.capture.where(
      [&](Event e) { return isGenerate(e) && e.getSignalGenerate().getTargetPid() == target; });
  ASSERT_EQ(sigs.size(), 1u);
  auto g = sigs[0].getSignalGenerate();
  EXPECT_EQ(g.getSignal(), SIGTERM);
  EXPECT_EQ(g.getSyscall(), schema::Syscall::KILL);
  EXPECT_EQ(g.getCode(), 0);    // SI_USER
  EXPECT_EQ(g.getResult(), 0);  // delivered
  EXPECT_TRUE(g.getGroup());
  EXPECT_EQ(sigs[0].getPid(), sender);
  EXPECT_EQ(sigs[0].getStartNs(), forkedStart(rec.capture, sender));
  EXPECT_EQ(g.getTargetStartNs(), forkedStart(rec.capture, target));
  EXPECT_EQ(std::string(g.getTargetComm().cStr()), "scenario");

  auto calls = rec.capture.where([&](Event e) { return isKillCall(e) && e.getPid() == sender; });
  ASSERT_EQ(calls.size(), 1u);
  auto k = calls[0].getKillCall();
  EXPECT_EQ(k.getSyscall(), schema::Syscall::KILL);
  EXPECT_EQ(k.getArg0(), target);
  EXPECT_EQ(k.getArg1(), SIGTERM);
  EXPECT_EQ(k.getRet(), 0);
  EXPECT_EQ(k.getSignals(), 1u);
  EXPECT_EQ(k.getEnterNs(), g.getCallEnterNs());
  EXPECT_EQ(calls[0].getTimeNs(), k.getEnterNs());  // stamped at entry
  EXPECT_LT(calls[0].getTimeNs(), sigs[0].getTimeNs());
  EXPECT_EQ(calls[0].getTid(), sigs[0].getTid());

  EXPECT_EQ(processExit(rec.capture, target).getExit().getExitCode() & 0x7f, SIGTERM);
}

TEST_F(RecordE2e, KillFromChildIsAttributedToTheChild) {
  expectKillFromChildAttributed(recordScenario("kill-from-child"));
}

TEST_F(RecordE2e, KillAttributionWorksWithTheHashMapFallback) {
  ::setenv("SIGREC_FORCE_FALLBACK", "inflight_state,current_task", 1);
  auto rec = recordScenario("kill-from-child");
  ::unsetenv("SIGREC_FORCE_FALLBACK");
  expectKillFromChildAttributed(rec);
}

TEST_F(RecordE2e, TgkillToAThreadNamesTheThread) {
  auto rec = recordScenario("tgkill-thread");
  ASSERT_EQ(rec.result.status, 0) << rec.result.err;
  expectCompleteCapture(rec.capture);
  long pid = rec.value["pid"], tid = rec.value["tid"];
  ASSERT_NE(pid, tid);

  auto sigs = rec.capture.where(
      [&](Event e) { return isGenerate(e) && e.getSignalGenerate().getTargetTid() == tid; });
  ASSERT_EQ(sigs.size(), 1u);
  auto g = sigs[0].getSignalGenerate();
  EXPECT_EQ(g.getSignal(), SIGUSR1);
  EXPECT_EQ(g.getTargetPid(), pid);
  EXPECT_FALSE(g.getGroup());
  EXPECT_EQ(g.getSyscall(), schema::Syscall::TGKILL);
  EXPECT_EQ(g.getCode(), -6);  // SI_TKILL

  auto calls = rec.capture.where([&](Event e) {
    return isKillCall(e) && e.getKillCall().getSyscall() == schema::Syscall::TGKILL;
  });
  ASSERT_EQ(calls.size(), 1u);
  EXPECT_EQ(calls[0].getKillCall().getArg0(), pid);
  EXPECT_EQ(calls[0].getKillCall().getArg1(), tid);
  EXPECT_EQ(calls[0].getKillCall().getArg2(), SIGUSR1);

  auto delivered = rec.capture.where(
      [&](Event e) { return e.which() == schema::Event::SIGNAL_DELIVER && e.getTid() == tid; });
  ASSERT_EQ(delivered.size(), 1u);
  EXPECT_EQ(delivered[0].getSignalDeliver().getDisposition(), schema::Disposition::HANDLER);
}

TEST_F(RecordE2e, KillOfAMissingPidIsRecordedWithEsrch) {
  SIGREC_SKIP_WITHOUT_SYSCALL_HOOKS();
  auto rec = recordScenario("kill-missing");
  ASSERT_EQ(rec.result.status, 0) << rec.result.err;
  expectCompleteCapture(rec.capture);
  long target = rec.value["target"];
  ASSERT_EQ(rec.value["errno"], ESRCH);

  auto calls = rec.capture.where([&](Event e) {
    return isKillCall(e) && e.getKillCall().getArg0() == target &&
           e.getKillCall().getArg1() == SIGTERM;
  });
  ASSERT_EQ(calls.size(), 1u);
  EXPECT_EQ(calls[0].getKillCall().getRet(), -ESRCH);
  EXPECT_EQ(calls[0].getKillCall().getSignals(), 0u);
  EXPECT_EQ(calls[0].getPid(), rec.value["self"]);
}

TEST_F(RecordE2e, SegfaultIsAKernelSignalWithSegvMaperr) {
  auto rec = recordScenario("segv");
  ASSERT_EQ(rec.result.status, 0) << rec.result.err;
  expectCompleteCapture(rec.capture);
  long child = rec.value["child"];

  auto sigs = rec.capture.where([&](Event e) {
    return isGenerate(e) && e.getSignalGenerate().getTargetPid() == child &&
           e.getSignalGenerate().getSignal() == SIGSEGV;
  });
  ASSERT_EQ(sigs.size(), 1u);
  auto g = sigs[0].getSignalGenerate();
  EXPECT_EQ(g.getSyscall(), schema::Syscall::NONE);
  EXPECT_EQ(g.getCode(), 1);           // SEGV_MAPERR
  EXPECT_EQ(g.getInfoAddr(), 0u);      // the null pointer
  EXPECT_EQ(sigs[0].getPid(), child);  // the faulting process is the context
  auto exitCode = processExit(rec.capture, child).getExit().getExitCode();
  EXPECT_EQ(exitCode & 0x7f, SIGSEGV);
}

TEST_F(RecordE2e, ExitStatusThreeIsRecorded) {
  auto rec = recordScenario("exit3");
  ASSERT_EQ(rec.result.status, 0) << rec.result.err;
  expectCompleteCapture(rec.capture);
  auto e = processExit(rec.capture, rec.value["child"]);
  EXPECT_EQ(e.getExit().getExitCode(), 3 << 8);
  EXPECT_EQ(e.getExit().getParentPid(), rec.value["self"]);
}

TEST_F(RecordE2e, DeathBySigkillDecodesToSignalNine) {
  auto rec = recordScenario("sigkill");
  ASSERT_EQ(rec.result.status, 0) << rec.result.err;
  expectCompleteCapture(rec.capture);
  long target = rec.value["target"];
  EXPECT_EQ(processExit(rec.capture, target).getExit().getExitCode() & 0x7f, SIGKILL);
  auto sigs = rec.capture.where(
      [&](Event e) { return isGenerate(e) && e.getSignalGenerate().getTargetPid() == target; });
  ASSERT_EQ(sigs.size(), 1u);
  EXPECT_EQ(sigs[0].getSignalGenerate().getSignal(), SIGKILL);
  EXPECT_EQ(sigs[0].getPid(), rec.value["self"]);
}

TEST_F(RecordE2e, ArgvOfAShortLivedProcessIsKept) {
  auto rec = recordScenario("short-lived");
  ASSERT_EQ(rec.result.status, 0) << rec.result.err;
  expectCompleteCapture(rec.capture);
  long child = rec.value["child"];
  auto execs = rec.capture.where([&](Event e) { return isExec(e) && e.getPid() == child; });
  ASSERT_EQ(execs.size(), 1u);
  auto x = execs[0].getExec();
  EXPECT_EQ(std::string(x.getFilename().cStr()), "/bin/true");
  ASSERT_EQ(x.getArgv().size(), 3u);
  EXPECT_EQ(std::string(x.getArgv()[1].cStr()), "short-lived-marker");
  EXPECT_EQ(std::string(x.getArgv()[2].cStr()), "--flag=42");
  EXPECT_FALSE(x.getArgsTruncated());
  auto exit = processExit(rec.capture, child);
  // Informational: /bin/true lives well under 10 ms; the point is that its
  // argv came from the kernel at exec time, not from /proc afterwards.
  RecordProperty("lifetime_us", static_cast<int>((exit.getTimeNs() - execs[0].getTimeNs()) / 1000));
}

TEST_F(RecordE2e, ForkLineageLinksParentChildAndGrandchild) {
  auto rec = recordScenario("lineage");
  ASSERT_EQ(rec.result.status, 0) << rec.result.err;
  expectCompleteCapture(rec.capture);
  long self = rec.value["self"], child = rec.value["child"], grandchild = rec.value["grandchild"];
  auto forkOf = [&](long pid) {
    auto f =
        rec.capture.where([&](Event e) { return isFork(e) && e.getFork().getChildPid() == pid; });
    EXPECT_EQ(f.size(), 1u);
    return f.empty() ? Event() : f[0];
  };
  auto childFork = forkOf(child), grandFork = forkOf(grandchild);
  EXPECT_EQ(childFork.getPid(), self);
  EXPECT_EQ(grandFork.getPid(), child);
  EXPECT_EQ(grandFork.getStartNs(), childFork.getFork().getChildStartNs());
  EXPECT_FALSE(grandFork.getFork().getThread());
  EXPECT_EQ(processExit(rec.capture, grandchild).getStartNs(),
            grandFork.getFork().getChildStartNs());
}

TEST_F(RecordE2e, MetadataAndSnapshotDescribeTheHost) {
  auto rec = recordScenario("exit3");
  expectCompleteCapture(rec.capture);
  auto info = rec.capture.infos[0];
  struct utsname uts {};
  ::uname(&uts);
  EXPECT_EQ(std::string(info.getHostname().cStr()), uts.nodename);
  EXPECT_EQ(std::string(info.getKernelRelease().cStr()), uts.release);
  std::string bootId;
  std::ifstream("/proc/sys/kernel/random/boot_id") >> bootId;
  EXPECT_EQ(std::string(info.getBootId().cStr()), bootId);
  EXPECT_GT(info.getBootToWallNs(), 0);
  ASSERT_EQ(info.getCommand().size(), 2u);
  EXPECT_EQ(std::string(info.getCommand()[1].cStr()), "exit3");

  bool sawInit = false;
  for (auto p : rec.capture.snapshots[0].getProcesses()) {
    if (p.getPid() == 1) {
      sawInit = true;
      EXPECT_GT(p.getCmdline().size(), 0u);
    }
  }
  EXPECT_TRUE(sawInit);
  EXPECT_EQ(rec.capture.trailers[0].getStopReason(), "command exited");
}

// The capture says which kernel paths ran, as `sigrec --check` shows them.
std::map<std::string, std::string> kernelFeatures(const LoadedCapture& capture) {
  std::map<std::string, std::string> features;
  for (auto f : capture.infos.at(0).getKernelFeatures()) features[f.getName()] = f.getValue();
  return features;
}

TEST_F(RecordE2e, CaptureRecordsTheKernelFeaturesAndFallbacks) {
  auto check = runCommand(sigrecPath() + " --check");
  ASSERT_EQ(check.status, 0) << check.out << check.err;
  auto features = kernelFeatures(recordScenario("exit3").capture);
  ASSERT_FALSE(features.empty());
  for (const auto& [name, value] : features) {
    EXPECT_NE(check.out.find("  " + name), std::string::npos) << name << "\n" << check.out;
    EXPECT_NE(check.out.find(value), std::string::npos) << value << "\n" << check.out;
  }

  ::setenv("SIGREC_FORCE_FALLBACK", "inflight_state,exit_group_dead,current_task", 1);
  auto forced = kernelFeatures(recordScenario("exit3").capture);
  ::unsetenv("SIGREC_FORCE_FALLBACK");
  EXPECT_EQ(forced["inflight_state"], "hash");
  EXPECT_EQ(forced["exit_group_dead"], "claim");
  EXPECT_EQ(forced["current_task"], "probe_read");
}

// The kill-family programs --check lists are those of the mechanism the
// kernel features chose (docs/kernels.md, "Kill-family calls").
std::vector<std::string> killCallPrograms(const std::string& checkOutput) {
  if (checkOutput.find("kill_calls       fexit") != std::string::npos) {
    return {"fexit_kill", "fexit_rt_tgsigqueueinfo"};
  }
  if (checkOutput.find("kill_calls       syscall_tracepoints") != std::string::npos) {
    return {"enter_kill", "exit_rt_tgsigqueueinfo"};
  }
  EXPECT_NE(checkOutput.find("kill_calls       none"), std::string::npos) << checkOutput;
  return {};
}

TEST_F(RecordE2e, CheckLoadsEveryProgramAndRecordsNothing) {
  TempDir dir;
  auto check = runCommand("cd " + dir.path() + " && " + sigrecPath() + " --check");
  ASSERT_EQ(check.status, 0) << check.out << check.err;
  std::vector<std::string> programs = killCallPrograms(check.out);
  for (const char* program : {"on_signal_generate", "on_signal_deliver", "on_fork", "on_exec",
                              "on_exit", "on_mark_victim"}) {
    programs.emplace_back(program);
  }
  for (const auto& program : programs) {
    EXPECT_NE(check.out.find("ok    " + program), std::string::npos) << program << "\n"
                                                                     << check.out;
  }
  EXPECT_NE(check.out.find("programs load: everything is recorded"), std::string::npos)
      << check.out;
  EXPECT_EQ(check.out.find("FAIL"), std::string::npos) << check.out;
  EXPECT_TRUE(std::filesystem::is_empty(dir.path())) << "--check wrote a capture";
}

// Each mechanism can be asked for: the syscall tracepoints as the fallback
// of fexit, and none at all. Neither lists the other's programs.
TEST_F(RecordE2e, CheckShowsTheKillCallMechanismAskedFor) {
  auto tracepoints = runCommand("SIGREC_FORCE_FALLBACK=kill_calls " + sigrecPath() + " --check");
  ASSERT_EQ(tracepoints.status, 0) << tracepoints.out << tracepoints.err;
  if (!syscallHooksOff()) {
    EXPECT_NE(tracepoints.out.find("kill_calls       syscall_tracepoints"), std::string::npos)
        << tracepoints.out;
    EXPECT_NE(tracepoints.out.find("ok    enter_tgkill"), std::string::npos) << tracepoints.out;
    EXPECT_EQ(tracepoints.out.find("fexit_"), std::string::npos) << tracepoints.out;
  }
  auto none = runCommand(sigrecPath() + " --check --no-syscall-hooks");
  ASSERT_EQ(none.status, 0) << none.out << none.err;
  EXPECT_NE(none.out.find("kill_calls       none"), std::string::npos) << none.out;
  EXPECT_EQ(none.out.find("enter_"), std::string::npos) << none.out;
  EXPECT_EQ(none.out.find("fexit_"), std::string::npos) << none.out;
}

TEST_F(RecordE2e, ExitStatusOfTheCommandIsPropagated) {
  TempDir dir;
  auto exit7 = runCommand(sigrecPath() + " -o " + dir.file("a.sigrec") + " -- sh -c 'exit 7'");
  EXPECT_EQ(exit7.status, 7) << exit7.err;
  auto term =
      runCommand(sigrecPath() + " -o " + dir.file("b.sigrec") + " -- sh -c 'kill -TERM $$'");
  EXPECT_EQ(term.status, 128 + SIGTERM) << term.err;
  auto missing = runCommand(sigrecPath() + " -o " + dir.file("c.sigrec") + " -- /no/such/cmd");
  EXPECT_EQ(missing.status, 127);
  EXPECT_NE(missing.err.find("command not found"), std::string::npos) << missing.err;
  // The probes were recording already: the capture is whole and says why
  // it stopped.
  auto c = loadCapture(dir.file("c.sigrec"));
  expectCompleteCapture(c);
  EXPECT_EQ(c.trailers[0].getStopReason(), "command did not start");
  EXPECT_EQ(c.trailers[0].getCommandExitStatus(), 127);
}

TEST_F(RecordE2e, CaptureFileIsPrivate) {
  TempDir dir;
  auto r = runCommand(sigrecPath() + " -o " + dir.file("p.sigrec") + " -- true");
  ASSERT_EQ(r.status, 0) << r.err;
  auto perms = std::filesystem::status(dir.file("p.sigrec")).permissions();
  EXPECT_EQ(perms, std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
}

TEST_F(RecordE2e, StopsCleanlyOnSigintAndDuration) {
  TempDir dir;
  auto r = runCommand(sigrecPath() + " -o " + dir.file("d.sigrec") + " -d 0.3");
  ASSERT_EQ(r.status, 0) << r.err;
  auto c = loadCapture(dir.file("d.sigrec"));
  expectCompleteCapture(c);
  EXPECT_EQ(c.trailers[0].getStopReason(), "duration");
  // -d 0.3 records 0.3 s: not also the drain and the probes' detach.
  const uint64_t span = c.trailers[0].getStopBootNs() - c.infos[0].getStartBootNs();
  EXPECT_GE(span, 290'000'000u);  // the header is written just after the clock starts
  EXPECT_LT(span, 360'000'000u);
  for (auto e : c.events) EXPECT_LE(e.getTimeNs(), c.trailers[0].getStopBootNs());
  // The last word on stderr says what was recorded, and where.
  EXPECT_NE(r.err.find("sigrec: stopped (duration): " + std::to_string(c.trailers[0].getEvents()) +
                       " events, "),
            std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find(" 0 lost, in " + dir.file("d.sigrec") + "\n"), std::string::npos) << r.err;

  // SIGINT once recording runs: a background job of sh starts with SIGINT
  // ignored until sigrec installs its handler, which takes seconds on an
  // emulated guest kernel.
  auto s = runCommand(sigrecPath() + " -o " + dir.file("s.sigrec") + " 2>" + dir.file("err") +
                      " & until grep -qs recording " + dir.file("err") +
                      "; do sleep 0.1; done; kill -INT $!; wait $!");
  ASSERT_EQ(s.status, 0) << s.err;
  auto c2 = loadCapture(dir.file("s.sigrec"));
  ASSERT_EQ(c2.trailers.size(), 1u);
  EXPECT_EQ(c2.trailers[0].getStopReason(), "signal INT");
}

TEST_F(RecordE2e, MountsTracefsWhenItIsMissing) {
  TempDir dir;
  // In a private mount namespace, so the host's tracefs is left alone.
  auto r = runCommand(
      "unshare -m sh -c 'umount /sys/kernel/tracing 2>/dev/null; umount "
      "/sys/kernel/debug/tracing 2>/dev/null; " +
      sigrecPath() + " -o " + dir.file("t.sigrec") + " -- true'");
  EXPECT_EQ(r.status, 0) << r.err;
}

TEST_F(RecordE2e, PrintShowsSignalsAndFailuresLive) {
  SIGREC_SKIP_WITHOUT_SYSCALL_HOOKS();
  TempDir dir;
  auto json = runCommand(sigrecPath() + " -o " + dir.file("j.sigrec") +
                         " --print=json -- sh -c 'sleep 5 & kill -TERM $!; wait; exit 3'");
  ASSERT_EQ(json.status, 3) << json.err;
  EXPECT_NE(json.out.find("\"kind\":\"signal\",\"signal\":\"SIGTERM\""), std::string::npos)
      << json.out;
  EXPECT_NE(json.out.find("\"end\":\"exit 3\""), std::string::npos) << json.out;
  // kill(pid, 0) is a probe, shown only when asked for (tests/e2e/print_e2e_test.cc).
  auto table = runCommand(sigrecPath() + " -o " + dir.file("t.sigrec") +
                          " --print -- sh -c 'kill -TERM 999999999 2>/dev/null; exit 0'");
  ASSERT_EQ(table.status, 0) << table.err;
  EXPECT_NE(table.out.find("kill(999999999, SIGTERM)"), std::string::npos) << table.out;
  EXPECT_NE(table.out.find("ESRCH"), std::string::npos) << table.out;
  auto bad = runCommand(sigrecPath() + " --print=xml -- true");
  EXPECT_EQ(bad.status, 2);
  EXPECT_NE(bad.err.find("--print must be"), std::string::npos) << bad.err;
}

TEST(RecordErrors, ClearOneLineErrors) {
  TempDir dir;
  auto unwritable = runCommand(sigrecPath() + " -o /nonexistent-dir/x.sigrec -d 1");
  EXPECT_NE(unwritable.status, 0);
  EXPECT_EQ(unwritable.err.rfind("sigrec: ", 0), 0u) << unwritable.err;
  EXPECT_EQ(std::count(unwritable.err.begin(), unwritable.err.end(), '\n'), 1) << unwritable.err;

  auto badOption = runCommand(sigrecPath() + " --no-such-option");
  EXPECT_EQ(badOption.status, 2);
  EXPECT_NE(badOption.err.find("sigrec --help"), std::string::npos);

  auto badSignal = runCommand(sigrecPath() + " --signal NOTASIG -- true");
  EXPECT_EQ(badSignal.status, 2);
  EXPECT_NE(badSignal.err.find("NOTASIG"), std::string::npos);

  // Unprivileged: a clear message, not a libbpf error code.
  auto unprivileged = runCommand("setpriv --reuid=65534 --regid=65534 --clear-groups " +
                                 sigrecPath() + " -o " + dir.file("u.sigrec") + " -- true");
  if (::geteuid() == 0) {
    EXPECT_EQ(unprivileged.status, 125);
    EXPECT_NE(unprivileged.err.find("needs root"), std::string::npos) << unprivileged.err;
  }
}

// A kernel older than 5.8 (no BPF ring buffer) is refused in one line,
// before anything is loaded or written. Debian's registry serves no such
// kernel to boot, so the UNAME26 personality makes this one report 2.6.x.
TEST(RecordErrors, KernelOlderThan58IsRefusedInOneLine) {
  TempDir dir;
  for (const char* mode : {"", " --check"}) {
    auto old = runCommand("setarch x86_64 --uname-2.6 " + sigrecPath() + std::string(mode) +
                          " -o " + dir.file("old.sigrec") + " -d 1");
    EXPECT_EQ(old.status, 1) << mode;
    EXPECT_NE((old.err + old.out).find("is too old: sigrec needs Linux 5.8 or newer"),
              std::string::npos)
        << old.err << old.out;
    EXPECT_FALSE(std::filesystem::exists(dir.file("old.sigrec")));
  }
}

// Debian's kernels default to kernel.perf_event_paranoid=3, where only
// CAP_SYS_ADMIN may attach tracepoints: sigrec says so before it loads
// anything (the level is set here for the duration of the run, as a
// mainline kernel takes 3 like 2).
TEST(RecordErrors, ParanoidPerfEventsWithoutSysAdminAreExplained) {
  if (::geteuid() != 0) GTEST_SKIP() << "needs root to set the sysctl";
  std::string before;
  std::ifstream("/proc/sys/kernel/perf_event_paranoid") >> before;
  ASSERT_FALSE(before.empty());
  TempDir dir;
  auto r = runCommand(
      "echo 3 > /proc/sys/kernel/perf_event_paranoid; setpriv "
      "--inh-caps=-all,+bpf,+perfmon --ambient-caps=-all,+bpf,+perfmon "
      "--bounding-set=-all,+bpf,+perfmon " +
      sigrecPath() + " -o " + dir.file("p.sigrec") + " -d 1; s=$?; echo " + before +
      " > /proc/sys/kernel/perf_event_paranoid; exit $s");
  EXPECT_EQ(r.status, 1) << r.err;
  EXPECT_NE(r.err.find("kernel.perf_event_paranoid is 3"), std::string::npos) << r.err;
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
}

// Evidence is never lost to a slip: a stray word does not start an endless
// whole-machine recording, and -o does not overwrite an earlier capture.
TEST(RecordErrors, StrayWordsAndExistingCapturesAreRefused) {
  TempDir dir;
  auto help = runCommand("cd " + dir.path() + " && " + sigrecPath() + " help");
  EXPECT_EQ(help.status, 2);
  EXPECT_NE(help.err.find("put it after --"), std::string::npos) << help.err;
  auto sleep = runCommand(sigrecPath() + " -d 1 -o " + dir.file("x.sigrec") + " sleep 3");
  EXPECT_EQ(sleep.status, 2);
  EXPECT_NE(sleep.err.find("'sleep'"), std::string::npos) << sleep.err;
  EXPECT_TRUE(std::filesystem::is_empty(dir.path()));

  const std::string earlier = dir.file("incident.sigrec");
  std::ofstream(earlier) << "evidence";
  auto clobber = runCommand(sigrecPath() + " -o " + earlier + " -- true");
  EXPECT_EQ(clobber.status, 2);
  EXPECT_NE(clobber.err.find("--force"), std::string::npos) << clobber.err;
  EXPECT_EQ(std::count(clobber.err.begin(), clobber.err.end(), '\n'), 1) << clobber.err;
  std::string kept;
  std::ifstream(earlier) >> kept;
  EXPECT_EQ(kept, "evidence");
  if (::geteuid() == 0) {
    auto forced = runCommand(sigrecPath() + " --force -o " + earlier + " -- true");
    EXPECT_EQ(forced.status, 0) << forced.err;
    EXPECT_GT(std::filesystem::file_size(earlier), 100u);
  }
}

// -c takes the cgroup's directory or its path in the hierarchy (as
// /proc/PID/cgroup shows it), and both name the same cgroup; a directory
// that is no cgroup is refused in one line.
TEST_F(RecordE2e, CgroupFilterTakesTheDirectoryOrTheHierarchyPath) {
  std::string mount;
  std::ifstream mounts("/proc/self/mounts");
  for (std::string device, dir, type, rest;
       mounts >> device >> dir >> type && std::getline(mounts, rest);)
    if (type == "cgroup2") mount = dir;
  if (mount.empty()) GTEST_SKIP() << "no cgroup v2 hierarchy is mounted";
  const std::string name = "sigrec-e2e-c-" + std::to_string(::getpid());
  const std::string directory = mount + "/" + name;
  ASSERT_TRUE(std::filesystem::create_directory(directory));
  TempDir dir;
  std::map<std::string, uint64_t> ids;
  for (const std::string& path : {directory, "/" + name, name}) {
    const std::string file = dir.file(std::to_string(ids.size()) + ".sigrec");
    std::string command = sigrecPath();
    command.append(" -o ").append(file).append(" -c ").append(path).append(" -- true");
    auto r = runCommand(command);
    EXPECT_EQ(r.status, 0) << path << ": " << r.err;
    if (r.status == 0) ids[path] = loadCapture(file).infos[0].getFilterCgroupId();
  }
  std::filesystem::remove(directory);
  ASSERT_EQ(ids.size(), 3u);
  EXPECT_NE(ids.begin()->second, 0u);
  for (const auto& [path, id] : ids) EXPECT_EQ(id, ids.begin()->second) << path;
  auto notCgroup = runCommand(sigrecPath() + " -o " + dir.file("x.sigrec") + " -c /tmp -- true");
  EXPECT_NE(notCgroup.status, 0);
  EXPECT_NE(notCgroup.err.find("/tmp is not a cgroup v2 directory"), std::string::npos)
      << notCgroup.err;
  auto missing = runCommand(sigrecPath() + " -o " + dir.file("y.sigrec") + " -c /no/such -- true");
  EXPECT_NE(missing.status, 0);
  EXPECT_NE(missing.err.find("no cgroup /no/such"), std::string::npos) << missing.err;
}

}  // namespace
}  // namespace sigrec::testing
