#include "tests/oracle/compare.h"

#include <fmt/format.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <map>
#include <set>

#include "tests/support/bpf_guard.h"

namespace sigrec::oracle {
namespace {

// How far outside strace's view of a thread's life a sigan event may be and
// still be that thread's: covers the ptrace stop latency, never a pid reuse
// (pid_max is 32768 here; a pid comes back after thousands of forks).
constexpr double kSlack = 0.05;
constexpr double kInf = std::numeric_limits<double>::infinity();

struct Window {
  double from = -kInf, to = kInf;
  bool contains(double t) const { return t >= from - kSlack && t <= to + kSlack; }
};

// Which tids strace followed, and when each lived as strace saw it.
class Traced {
 public:
  explicit Traced(const StraceLog& log) {
    for (const auto& [tid, first] : log.firstSeen) {
      windows_[tid].from = log.createdInTrace.contains(tid) ? first : -kInf;
    }
    for (const auto& e : log.exits) windows_[e.tid].to = e.time;
  }
  bool covers(long tid, double t) const {
    auto it = windows_.find(tid);
    return it != windows_.end() && it->second.contains(t);
  }

 private:
  std::map<long, Window> windows_;
};

// Where the kill-family syscalls keep their signal and target arguments.
struct CallShape {
  int signal;
  std::vector<int> compared;  // arguments compared as ints (not the siginfo pointers)
};

const CallShape& shapeOf(const std::string& syscall) {
  static const std::map<std::string, CallShape> shapes{{"kill", {1, {0, 1}}},
                                                       {"tkill", {1, {0, 1}}},
                                                       {"tgkill", {2, {0, 1, 2}}},
                                                       {"rt_sigqueueinfo", {1, {0, 1}}},
                                                       {"rt_tgsigqueueinfo", {2, {0, 1, 2}}},
                                                       {"pidfd_send_signal", {1, {0, 1, 3}}}};
  return shapes.at(syscall);
}

// The kernel reads these arguments as int (pid_t, int sig, unsigned flags).
int32_t arg(const StraceCall& c, int i) {
  return i < static_cast<int>(c.args.size()) ? static_cast<int32_t>(c.args[i].value.value_or(0))
                                             : 0;
}
int32_t arg(const SiganCall& c, int i) {
  return static_cast<int32_t>(c.arg[i]);
}
int32_t signalOf(const StraceCall& c) {
  return arg(c, shapeOf(c.syscall).signal);
}

std::string key(const StraceCall& c) {
  std::string k = c.syscall;
  for (int i : shapeOf(c.syscall).compared) k += fmt::format(",{}", arg(c, i));
  return k;
}
std::string key(const SiganCall& c) {
  std::string k = c.syscall;
  for (int i : shapeOf(c.syscall).compared) k += fmt::format(",{}", arg(c, i));
  return k;
}

std::string said(const StraceCall& c) {
  return fmt::format("tid {} at {:.6f}: {}", c.tid, c.time, c.line);
}

std::string said(const SiganCall& c) {
  std::string args;
  for (int i : shapeOf(c.syscall).compared)
    args += fmt::format("{}{}", args.empty() ? "" : ", ", arg(c, i));
  std::string ret = c.ret < 0 ? fmt::format("-1 {}", c.errnoName) : std::to_string(c.ret);
  return fmt::format("{}({}) = {} [kill_calls.id {}, tid {}, {}, at {:.6f}]", c.syscall, args, ret,
                     c.id, c.callerTid, c.callerComm, c.time);
}

// The pid as strace translated it into its (the host's) namespace.
long hostPid(const StraceArg& a) {
  return a.hostPid.value_or(a.value.value_or(0));
}

bool targetExisted(const StraceCall& c) {
  return c.returned && (c.ret == 0 || c.errnoName == "EPERM");
}

// The process a call named by pid, tgid or tid (host pid), null for
// kill(0|-1|-pgid) and pidfds: the ones sigan resolves (docs/schema.md).
// tkill of a non-leader thread is left out: without --threads sigan has no
// row for a thread id.
std::optional<long> namedProcess(const StraceCall& c, const StraceLog& log) {
  if (c.args.empty() || c.syscall == "pidfd_send_signal") return std::nullopt;
  long pid = hostPid(c.args[0]);
  if (pid <= 0) return std::nullopt;
  if (c.syscall == "tkill" && !log.isThreadGroupLeader(pid)) return std::nullopt;
  return c.syscall == "tkill" ? log.tgid(pid) : pid;
}

// The process a call's signal could only go to, pidfds included.
std::optional<long> directTarget(const StraceCall& c, const StraceLog& log) {
  if (c.syscall == "pidfd_send_signal") {
    if (c.args.empty() || !c.args[0].hostPid) return std::nullopt;
    return *c.args[0].hostPid;
  }
  if (c.args.empty() || hostPid(c.args[0]) <= 0) return std::nullopt;
  return c.syscall == "tkill" ? log.tgid(hostPid(c.args[0])) : hostPid(c.args[0]);
}

bool isGroupCall(const StraceCall& c) {
  return c.syscall == "kill" && arg(c, 0) <= 0;
}

bool isGroupCall(const SiganCall& c) {
  return c.syscall == "kill" && arg(c, 0) <= 0;
}

// Without syscall hooks sigan sees a call only through the signal it sends
// (docs/kernels.md, "Kill-family calls"): failed calls and signal 0 are not
// recorded, and a group kill is one row per signalled process. Only the
// calls both sides can list are compared then.
bool comparable(const StraceCall& c) {
  if (!testing::syscallHooksOff()) return true;
  return !isGroupCall(c) && signalOf(c) != 0 && (!c.returned || c.ret == 0);
}
bool comparable(const SiganCall& c) {
  return !testing::syscallHooksOff() || !isGroupCall(c);
}

using Pairs = std::vector<std::pair<const StraceCall*, const SiganCall*>>;

// Aligns one thread's calls as strace and sigan list them (both in entry
// order): equal keys match; at a difference, the shorter way back into step
// (up to kLookahead calls skipped on one side) decides which side lacks a call.
Pairs align(const std::vector<const StraceCall*>& st, const std::vector<const SiganCall*>& sg) {
  constexpr size_t kLookahead = 64;
  Pairs out;
  size_t i = 0, j = 0;
  while (i < st.size() || j < sg.size()) {
    if (i < st.size() && j < sg.size() && key(*st[i]) == key(*sg[j])) {
      out.emplace_back(st[i++], sg[j++]);
      continue;
    }
    size_t skipSt = kLookahead + 1, skipSg = kLookahead + 1;
    for (size_t d = 1; d <= kLookahead && j < sg.size() && i + d < st.size(); ++d)
      if (key(*st[i + d]) == key(*sg[j])) {
        skipSt = d;
        break;
      }
    for (size_t d = 1; d <= kLookahead && i < st.size() && j + d < sg.size(); ++d)
      if (key(*st[i]) == key(*sg[j + d])) {
        skipSg = d;
        break;
      }
    if (j >= sg.size() || (i < st.size() && skipSt <= skipSg))
      out.emplace_back(st[i++], nullptr);
    else
      out.emplace_back(nullptr, sg[j++]);
  }
  return out;
}

// Every traced call next to sigan's row of it (or null on either side).
Pairs pairCalls(const StraceLog& strace, const SiganView& sigan, const Traced& traced) {
  std::map<long, std::vector<const StraceCall*>> st;
  std::map<long, std::vector<const SiganCall*>> sg;
  for (const auto& c : strace.calls)
    if (comparable(c)) st[c.tid].push_back(&c);
  for (auto& [tid, v] : st)
    std::stable_sort(v.begin(), v.end(), [](auto* a, auto* b) { return a->time < b->time; });
  // The tracer's own child signals itself (SIGSTOP) before it execs the
  // command: strace does not trace that (README).
  for (const auto& c : sigan.calls)
    if (traced.covers(c.callerTid, c.time) && c.callerComm != "strace" && comparable(c))
      sg[c.callerTid].push_back(&c);
  std::set<long> tids;
  for (const auto& [t, v] : st) tids.insert(t);
  for (const auto& [t, v] : sg) tids.insert(t);
  Pairs all;
  for (long t : tids) {
    auto p = align(st[t], sg[t]);
    all.insert(all.end(), p.begin(), p.end());
  }
  return all;
}

void checkResult(const StraceCall& st, const SiganCall& sg, std::vector<std::string>& out) {
  if (!st.returned) return;  // `= ?`: the caller died inside, no result to compare (README)
  bool same = st.ret == 0 ? sg.ret == 0 : sg.ret < 0 && sg.errnoName == st.errnoName;
  if (!same) out.push_back(fmt::format("result differs: strace {} | sigan {}", said(st), said(sg)));
}

// Says so when the named process had already exited (a zombie).
std::string zombieNote(const StraceLog& log, long pid, double time) {
  for (const auto& e : log.exits) {
    if (e.tid != pid || e.time > time + kSlack) continue;
    // strace prints `+++` when it has waited for the exit: after the
    // kernel's exit, so an exit printed just after the call may precede it.
    return e.time < time ? fmt::format(" (a zombie: exited at {:.6f})", e.time)
                         : fmt::format(" (exiting: strace saw its exit at {:.6f})", e.time);
  }
  return "";
}

// strace knows the processes it traced; any other pid a call names (another
// user's process, a thread id) it cannot tell anything about (README).
bool tracedProcess(const StraceLog& log, long pid) {
  return log.firstSeen.contains(pid) && log.isThreadGroupLeader(pid);
}

void checkTarget(const StraceCall& st, const SiganCall& sg, const StraceLog& log,
                 std::vector<std::string>& out) {
  auto named = namedProcess(st, log);
  bool callerInChild = log.inChildNamespace.contains(st.tid);
  if (named && targetExisted(st) && tracedProcess(log, *named)) {
    if (sg.targetHostPid != named)
      out.push_back(fmt::format(
          "target differs: strace {} names host pid {}{} | sigan target {}: {}", said(st), *named,
          zombieNote(log, *named, st.time),
          sg.targetHostPid ? fmt::format("host pid {}", *sg.targetHostPid) : std::string("none"),
          said(sg)));
  } else if (st.returned && st.errnoName == "ESRCH" && sg.targetHostPid &&
             (callerInChild || tracedProcess(log, *sg.targetHostPid))) {
    out.push_back(
        fmt::format("target invented: strace {} (no such process in the caller's "
                    "namespace) | sigan target host pid {}: {}",
                    said(st), *sg.targetHostPid, said(sg)));
  }
}

// A call sends nothing when it fails or carries signal 0, exactly one signal
// when it names one process and succeeds; a group kill sends any number.
void checkSignalCount(const StraceCall& st, const SiganCall& sg, const StraceLog& log,
                      std::vector<std::string>& out) {
  if (!st.returned || isGroupCall(st)) return;
  long expected = st.ret < 0 || signalOf(st) == 0 ? 0 : (directTarget(st, log) ? 1 : -1);
  if (expected >= 0 && sg.signals != expected)
    out.push_back(
        fmt::format("signals differ: strace {} sends {} signal(s) | sigan signals = {}: {}",
                    said(st), expected, sg.signals, said(sg)));
}

// Seen with threads killed by their process's exit_group: strace prints an
// unfinished call for each of them that is another tracee's call of that
// moment (same syscall and arguments, matched in sigan to that tracee),
// read back from a dying thread. Such a never-returned copy is strace's,
// not a call the thread made (README).
bool echoOfAnotherThread(const StraceCall& c, const Pairs& pairs) {
  if (c.returned) return false;
  constexpr double kEcho = 0.01;
  for (const auto& [st, sg] : pairs)
    if (st && sg && st->tid != c.tid && key(*st) == key(c) && std::abs(st->time - c.time) < kEcho)
      return true;
  return false;
}

void checkCalls(const Pairs& pairs, const StraceLog& log, Differences& d) {
  for (const auto& [st, sg] : pairs) {
    if (!sg && echoOfAnotherThread(*st, pairs)) {
      d.notes.push_back(fmt::format("strace's echo of another thread's call: {}", said(*st)));
    } else if (!sg) {
      d.calls.push_back(fmt::format("missing in sigan: strace {}", said(*st)));
    } else if (!st) {
      d.calls.push_back(fmt::format("not seen by strace: sigan {}", said(*sg)));
    } else {
      checkResult(*st, *sg, d.calls);
      checkTarget(*st, *sg, log, d.targets);
      checkSignalCount(*st, *sg, log, d.calls);
    }
  }
}

std::string said(const SiganSignal& s) {
  return fmt::format(
      "signal {} ({}) to pid {} tid {} at {:.6f}, origin {}, sender tid {} "
      "[signals.id {}]",
      s.signo, s.code, s.targetPid.value_or(0), s.targetTid.value_or(0), s.time, s.origin,
      s.senderTid.value_or(0), s.id);
}

// Every signal sigan says a traced thread sent through a call must be one that
// call could send: same signal, the call succeeded, aimed at that process.
void checkSignals(const Pairs& pairs, const StraceLog& log, const SiganView& sigan,
                  const Traced& traced, Differences& d) {
  std::map<long, const StraceCall*> byId;
  std::set<long> unmatched;
  std::set<long> uncompared;
  for (const auto& c : sigan.calls) {
    if (c.callerComm == "strace") unmatched.insert(c.id);  // the tracer's own child (README)
    if (!comparable(c)) uncompared.insert(c.id);
  }
  for (const auto& [st, sg] : pairs) {
    if (sg && st) byId[sg->id] = st;
    if (sg && !st) unmatched.insert(sg->id);
  }
  for (const auto& s : sigan.signals) {
    if (s.origin == "kernel" || !s.senderTid || !traced.covers(*s.senderTid, s.time)) continue;
    if (!s.killCallId) {
      d.signals.push_back(fmt::format("no call: sigan {} names no kill_calls row", said(s)));
      continue;
    }
    if (uncompared.contains(*s.killCallId)) continue;
    auto it = byId.find(*s.killCallId);
    if (it == byId.end()) {
      if (!unmatched.contains(*s.killCallId))  // else reported with the calls
        d.signals.push_back(
            fmt::format("untraced call: sigan {} (call not by a traced thread)", said(s)));
      continue;
    }
    const StraceCall& st = *it->second;
    auto target = directTarget(st, log);
    if (signalOf(st) != s.signo || (st.returned && st.ret != 0))
      d.signals.push_back(
          fmt::format("not the call's signal: sigan {} tied to strace {}", said(s), said(st)));
    else if (target && s.targetPid != target)
      d.signals.push_back(
          fmt::format("not the call's target: sigan {} tied to strace {} (host pid {})", said(s),
                      said(st), *target));
  }
}

std::string said(const StraceExit& e) {
  if (!e.killed) return fmt::format("pid {} exited with {} at {:.6f}", e.tid, e.status, e.time);
  return fmt::format("pid {} killed by {}{} at {:.6f}", e.tid, e.signalName,
                     e.core ? " (core dumped)" : "", e.time);
}

std::string said(const SiganExit& e) {
  return fmt::format(
      "pid {} reason {} exit_status {} signal {} core {} origin {} killer {} at {:.6f}", e.pid,
      e.reason, e.exitStatus ? std::to_string(*e.exitStatus) : "null",
      e.signo ? std::to_string(*e.signo) : "null", e.core, e.origin.empty() ? "null" : e.origin,
      e.killerPid ? std::to_string(*e.killerPid) : "null", e.time);
}

bool sameEnd(const StraceExit& st, const SiganExit& sg) {
  if (!st.killed) return sg.reason == "exit" && sg.exitStatus == st.status;
  return (sg.reason == "signal" || sg.reason == "oom") && sg.signo == st.status &&
         sg.core == st.core;
}

// Process exits (the thread-group leader's `+++` line) against `sigan exits`.
std::map<const StraceExit*, const SiganExit*> checkExits(const StraceLog& log,
                                                         const SiganView& sigan,
                                                         const Traced& traced, Differences& d) {
  std::map<const StraceExit*, const SiganExit*> matched;
  std::set<const SiganExit*> used;
  for (const auto& st : log.exits) {
    if (!log.isThreadGroupLeader(st.tid)) continue;  // thread exits: README
    const SiganExit* hit = nullptr;
    for (const auto& sg : sigan.exits)
      if (sg.pid == st.tid && traced.covers(st.tid, sg.time) && !used.contains(&sg)) hit = &sg;
    if (!hit) {
      d.exits.push_back(fmt::format("missing in sigan: strace {}", said(st)));
      continue;
    }
    used.insert(hit);
    matched[&st] = hit;
    if (!sameEnd(st, *hit))
      d.exits.push_back(fmt::format("end differs: strace {} | sigan {}", said(st), said(*hit)));
  }
  for (const auto& sg : sigan.exits)
    if (!used.contains(&sg) && log.isThreadGroupLeader(sg.pid) && traced.covers(sg.pid, sg.time) &&
        log.firstSeen.contains(sg.pid))
      d.exits.push_back(fmt::format("not seen by strace: sigan {}", said(sg)));
  return matched;
}

// The calls by traced threads that could have sent signal SIGNO to PID
// before it died: aimed at it (pid, tgid, tid or pidfd) or at a group.
std::vector<const StraceCall*> possibleKillers(const StraceLog& log, long pid, long signo,
                                               double death) {
  std::vector<const StraceCall*> out;
  for (const auto& c : log.calls) {
    if (c.time > death || signalOf(c) != signo || (c.returned && c.ret != 0)) continue;
    auto target = directTarget(c, log);
    bool group = isGroupCall(c) || (c.syscall == "pidfd_send_signal" && !target);
    if (group || target == pid) out.push_back(&c);
  }
  return out;
}

// Where a traced call sent the fatal signal, sigan must name one of the
// callers and its syscall; where none could have, the origin is the kernel.
void checkFatal(const StraceLog& log, const std::map<const StraceExit*, const SiganExit*>& exits,
                Differences& d, Agreement& agreed) {
  for (const auto& [st, sg] : exits) {
    if (!st->killed) continue;
    ++agreed.fatal;
    auto killers = possibleKillers(log, st->tid, st->status, st->time);
    if (killers.empty()) {
      if (sg->origin != "kernel" || sg->killerPid)
        d.fatal.push_back(
            fmt::format("strace {}: no traced call sent {} to it, so the origin is the "
                        "kernel | sigan {}",
                        said(*st), st->signalName, said(*sg)));
      continue;
    }
    bool named = false;
    for (const auto* k : killers)
      named |= sg->killerPid == log.tgid(k->tid) && sg->origin == k->syscall;
    if (!named) {
      std::string list;
      for (size_t i = 0; i < killers.size() && i < 3; ++i) list += "; " + said(*killers[i]);
      d.fatal.push_back(
          fmt::format("strace {}: sent by a traced call ({} candidate(s){}) | sigan {}", said(*st),
                      killers.size(), list, said(*sg)));
    }
  }
}

// Per traced process and signal: sigan's generations must cover both
// sigan's and strace's deliveries (each delivery dequeues one generation).
void checkCounts(const StraceLog& log, const SiganView& sigan, const Traced& traced, Differences& d,
                 Agreement& agreed) {
  std::map<std::pair<long, long>, long> gen, stDel, sgDel;
  for (const auto& s : sigan.signals)
    if (s.targetPid && s.targetTid && traced.covers(*s.targetTid, s.time))
      ++gen[{*s.targetPid, s.signo}];
  for (const auto& x : log.deliveries) ++stDel[{log.tgid(x.tid), x.signo}];
  // A fatal signal or exit_group makes the other threads dequeue a SIGKILL
  // the kernel set without generating it (zap_other_threads): not counted.
  for (const auto& x : sigan.deliveries)
    if (x.signo != 9 && traced.covers(x.tid, x.time)) ++sgDel[{x.pid, x.signo}];
  std::set<long> processes;
  auto check = [&](const auto& deliveries, const char* who) {
    for (const auto& [k, n] : deliveries) {
      processes.insert(k.first);
      if (gen[k] < n)
        d.counts.push_back(fmt::format("pid {} signal {}: {} delivered {} | sigan generated {}",
                                       k.first, k.second, who, n, gen[k]));
    }
  };
  check(stDel, "strace saw");
  check(sgDel, "sigan");
  agreed.processes = processes.size();
}

}  // namespace

Differences compare(const StraceLog& strace, const SiganView& sigan, Agreement* agreed) {
  Differences d;
  Agreement a;
  Traced traced(strace);
  Pairs pairs = pairCalls(strace, sigan, traced);
  a.calls = pairs.size();
  checkCalls(pairs, strace, d);
  checkSignals(pairs, strace, sigan, traced, d);
  auto exits = checkExits(strace, sigan, traced, d);
  a.exits = exits.size();
  checkFatal(strace, exits, d, a);
  checkCounts(strace, sigan, traced, d, a);
  if (agreed) *agreed = a;
  return d;
}

}  // namespace sigrec::oracle
