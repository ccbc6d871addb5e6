#include "analyze/attribution/cause.h"

#include <fmt/format.h>

#include <algorithm>
#include <csignal>
#include <functional>

#include "base/syscall_names.h"

namespace sigrec::analyze {
namespace {

using Rule = std::function<std::optional<Cause>(const SignalFacts&)>;

constexpr int kSiTimer = -2;
constexpr int kSysSeccomp = 1;
constexpr int kSysWrite = 1;  // x86_64

bool inStack(const SignalFacts& f, std::initializer_list<const char*> names) {
  return std::any_of(f.stack.begin(), f.stack.end(), [&](const std::string& frame) {
    return std::find(names.begin(), names.end(), frame) != names.end();
  });
}

bool noSiginfo(const SignalFacts& f) {
  return f.info != SignalFacts::Info::kSiginfo && f.syscall.empty();
}

Cause actor(const SignalFacts& f, std::string cause, std::string detail = "") {
  return {std::move(cause), f.actorPid, f.actorTid, std::move(detail)};
}

Cause owner(const SignalFacts& f, std::string cause, std::string detail = "") {
  return {std::move(cause), f.targetPid, std::nullopt, std::move(detail)};
}

// The kill-family call was seen in the kernel, entering and sending this
// very signal (bpf/sigrec.bpf.c, call_sent_signal): its caller sent it.
// The sigqueueinfo calls and pidfd_send_signal let the caller write the
// siginfo, pid and uid included (a negative si_code); when they differ from
// the caller's (its host or namespace pid, its uid) the signal is flagged.
std::optional<Cause> syscallRule(const SignalFacts& f) {
  if (f.syscall.empty()) return std::nullopt;
  Cause c = actor(f, "syscall", f.syscall);
  bool callerInfo = f.syscall == "rt_sigqueueinfo" || f.syscall == "rt_tgsigqueueinfo" ||
                    f.syscall == "pidfd_send_signal";
  if (callerInfo && f.info == SignalFacts::Info::kSiginfo &&
      ((f.infoPid != f.actorPid && f.infoPid != f.actorNsPid) || f.infoUid != f.actorUid)) {
    c.forged = true;
    c.detail += fmt::format(", siginfo claims pid {} uid {}", f.infoPid, f.infoUid);
  }
  return c;
}

// seccomp's SIGSYS carries the refused syscall (force_sig_seccomp); the
// task that made the call is the victim itself.
std::optional<Cause> seccompRule(const SignalFacts& f) {
  if (f.signo != SIGSYS || f.code != kSysSeccomp || f.info != SignalFacts::Info::kSiginfo)
    return std::nullopt;
  return actor(f, "seccomp",
               fmt::format("{} ({})", names::x86_64SyscallName(f.infoSyscall), f.infoSyscall));
}

// A fault's si_code is positive and set by the trap handler (SEGV_MAPERR,
// BUS_ADRERR, ...); user-sent copies of these signals have codes <= 0.
std::optional<Cause> faultRule(const SignalFacts& f) {
  bool faultSignal = f.signo == SIGSEGV || f.signo == SIGBUS || f.signo == SIGFPE ||
                     f.signo == SIGILL || f.signo == SIGTRAP;
  if (!faultSignal || f.code <= 0 || f.info != SignalFacts::Info::kSiginfo) return std::nullopt;
  return actor(f, "fault", fmt::format("{} at {:#x}", f.codeName, f.infoAddr));
}

// do_notify_parent fills a CLD_* siginfo with the child's pid.
std::optional<Cause> childRule(const SignalFacts& f) {
  if (f.signo != SIGCHLD || f.info != SignalFacts::Info::kSiginfo || f.code <= 0)
    return std::nullopt;
  return Cause{"child", f.infoPid, std::nullopt,
               fmt::format("{} status {}", f.codeName, f.infoStatus)};
}

// A pid namespace's init is exiting and kills every member
// (zap_pid_ns_processes, from do_exit): SIGKILL with SEND_SIG_PRIV.
std::optional<Cause> pidnsRule(const SignalFacts& f) {
  if (!noSiginfo(f) || f.signo != SIGKILL) return std::nullopt;
  if (inStack(f, {"zap_pid_ns_processes"}) ||
      (f.stack.empty() && f.actorExiting && f.actorNsInit && f.info == SignalFacts::Info::kPriv))
    return actor(f, "pidns_teardown", "pid namespace init exited");
  return std::nullopt;
}

// A parent thread's exit sends each child its PR_SET_PDEATHSIG signal from
// do_exit (forget_original_parent, inlined), with no siginfo, after the
// child was already reparented: the dying thread is current.
std::optional<Cause> parentDeathRule(const SignalFacts& f) {
  if (!noSiginfo(f) || !f.targetPdeath || !f.actorExiting) return std::nullopt;
  if (!f.stack.empty() && !inStack(f, {"do_exit", "forget_original_parent", "exit_notify"}))
    return std::nullopt;
  return actor(f, "parent_death",
               f.actorPid == f.actorTid ? "parent exited" : "parent thread exited");
}

// Writing "1" to cgroup.kill SIGKILLs every member from the writer's
// write(2) (__cgroup_kill), with no siginfo; the writer is current.
std::optional<Cause> cgroupKillRule(const SignalFacts& f) {
  if (!noSiginfo(f) || f.signo != SIGKILL || f.info != SignalFacts::Info::kNone)
    return std::nullopt;
  bool byStack = inStack(f, {"__cgroup_kill", "cgroup_kill_write"});
  bool byFacts = f.stack.empty() && !f.group && !f.actorExiting && f.actorSyscall == kSysWrite;
  if (!byStack && !byFacts) return std::nullopt;
  return actor(f, "cgroup_kill", f.targetCgroup);
}

// The OOM killer runs in the allocating task (try_charge_memcg or the page
// allocator's slow path), which is current.
std::optional<Cause> oomRule(const SignalFacts& f) {
  if (!noSiginfo(f) || f.signo != SIGKILL ||
      !inStack(f, {"oom_kill_process", "__oom_kill_process", "out_of_memory"}))
    return std::nullopt;
  return actor(f, "oom", f.targetMemoryCgroup.empty() ? f.targetCgroup : f.targetMemoryCgroup);
}

// pipe_write sends SIGPIPE to the writer itself, with no siginfo.
std::optional<Cause> pipeRule(const SignalFacts& f) {
  if (!noSiginfo(f) || f.signo != SIGPIPE) return std::nullopt;
  return actor(f, "pipe", f.actorSyscall >= 0 ? names::x86_64SyscallName(f.actorSyscall) : "");
}

// SIGXFSZ comes from the write that crossed RLIMIT_FSIZE, to the writer;
// SIGXCPU (and the hard limit's SIGKILL) from the CPU-time tick check.
std::optional<Cause> rlimitRule(const SignalFacts& f) {
  if (!noSiginfo(f)) return std::nullopt;
  if (f.signo == SIGXFSZ) return actor(f, "rlimit", "RLIMIT_FSIZE");
  if (f.signo == SIGXCPU ||
      (f.signo == SIGKILL && inStack(f, {"check_process_timers", "check_thread_timers"})))
    return owner(f, "rlimit", "RLIMIT_CPU");
  return std::nullopt;
}

// alarm/setitimer fire from an hrtimer interrupt (it_real_fn) or the CPU
// tick, in whatever task runs: the timer belongs to the target. POSIX
// timers carry SI_TIMER.
std::optional<Cause> timerRule(const SignalFacts& f) {
  if (f.code == kSiTimer && f.info == SignalFacts::Info::kSiginfo && f.syscall.empty())
    return owner(f, "timer", "POSIX timer");
  if (!noSiginfo(f)) return std::nullopt;
  if (f.signo == SIGALRM) return owner(f, "timer", "ITIMER_REAL (alarm)");
  if (f.signo == SIGVTALRM) return owner(f, "timer", "ITIMER_VIRTUAL");
  if (f.signo == SIGPROF) return owner(f, "timer", "ITIMER_PROF");
  return std::nullopt;
}

// The tty layer signals the session (hang-up) or the foreground process
// group (INTR, QUIT, SUSP characters) with SEND_SIG_PRIV.
std::optional<Cause> ttyRule(const SignalFacts& f) {
  if (!noSiginfo(f)) return std::nullopt;
  if (inStack(f, {"__tty_hangup", "tty_vhangup", "tty_signal_session_leader", "disassociate_ctty"}))
    return actor(f, "tty", "hang-up");
  if (inStack(f, {"isig", "n_tty_receive_signal_char", "n_tty_receive_char_special"}))
    return actor(f, "tty", "terminal character");
  return std::nullopt;
}

// SIGIO/SIGURG go to a descriptor's owner (F_SETOWN) from send_sigio /
// send_sigurg; the task that made the descriptor ready is current.
std::optional<Cause> ioRule(const SignalFacts& f) {
  if (f.signo != SIGIO && f.signo != SIGURG) return std::nullopt;
  if (!f.syscall.empty()) return std::nullopt;
  return owner(f, "io", fmt::format("made ready by pid {}", f.actorPid));
}

// Anything else: the first frame below the signal machinery says where.
std::optional<Cause> kernelRule(const SignalFacts& f) {
  static const char* kMachinery[] = {"__send_signal_locked",
                                     "send_signal_locked",
                                     "do_send_sig_info",
                                     "group_send_sig_info",
                                     "__group_send_sig_info",
                                     "send_sig_info",
                                     "send_sig",
                                     "force_sig_info_to_task",
                                     "force_sig",
                                     "kill_pid_info",
                                     "kill_pid_info_type",
                                     "__kill_pgrp_info",
                                     "kill_pgrp"};
  for (const std::string& frame : f.stack) {
    if (std::find(std::begin(kMachinery), std::end(kMachinery), frame) == std::end(kMachinery))
      return Cause{"kernel", std::nullopt, std::nullopt, "from " + frame};
  }
  return Cause{"kernel", std::nullopt, std::nullopt, ""};
}

const std::vector<std::pair<std::string, Rule>>& rules() {
  static const std::vector<std::pair<std::string, Rule>> kRules = {
      {"syscall", syscallRule},
      {"seccomp", seccompRule},
      {"fault", faultRule},
      {"child", childRule},
      {"pidns_teardown", pidnsRule},
      {"parent_death", parentDeathRule},
      {"cgroup_kill", cgroupKillRule},
      {"oom", oomRule},
      {"pipe", pipeRule},
      {"rlimit", rlimitRule},
      {"timer", timerRule},
      {"tty", ttyRule},
      {"io", ioRule},
      {"kernel", kernelRule},
  };
  return kRules;
}

}  // namespace

Cause decideCause(const SignalFacts& facts) {
  for (const auto& [name, rule] : rules()) {
    if (auto cause = rule(facts)) return *cause;
  }
  return Cause{"kernel", std::nullopt, std::nullopt, ""};
}

const std::vector<std::string>& causeNames() {
  static const std::vector<std::string> kNames = [] {
    std::vector<std::string> names;
    for (const auto& [name, rule] : rules()) names.push_back(name);
    return names;
  }();
  return kNames;
}

}  // namespace sigrec::analyze
