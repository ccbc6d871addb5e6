#include "record/process_table.h"

#include <algorithm>
#include <cstring>
#include <string_view>

#include "bpf/events.h"
#include "record/event_encoder.h"

namespace sigrec::record {
namespace {

std::string fixedString(const char* chars, size_t max) {
  return {chars, strnlen(chars, max)};
}

// Heap bytes of a string beyond what its object holds inline (SSO).
size_t heapOf(const std::string& s) {
  return s.capacity() > 15 ? s.capacity() + 1 : 0;
}

// An estimate of the nodes of both indexes (std::map and std::unordered_map
// nodes carry about four pointers of bookkeeping).
constexpr size_t kNodeOverhead = 4 * sizeof(void*) + sizeof(std::pair<uint32_t, uint64_t>) * 2;

std::vector<std::string> splitArgs(std::string_view args) {
  while (!args.empty() && args.back() == '\0') args.remove_suffix(1);
  std::vector<std::string> words;
  while (!args.empty()) {
    size_t end = std::min(args.find('\0'), args.size());
    words.emplace_back(args.substr(0, end));
    args.remove_prefix(std::min(end + 1, args.size()));
  }
  return words;
}

}  // namespace

ProcessTable::ProcessTable(Redaction redaction, size_t argvBudget, CgroupTree& cgroups)
    : redaction_(redaction), argvBudget_(argvBudget), cgroups_(cgroups), tickNs_(clockTickNs()) {}

size_t ProcessTable::costOf(const KnownProcess& p) {
  size_t bytes =
      sizeof(KnownProcess) + kNodeOverhead + heapOf(p.comm) + heapOf(p.exe) + heapOf(p.cgroup);
  if (p.cmdline) {
    // The vector and its shared_ptr control block, then each word.
    bytes += sizeof(std::vector<std::string>) + 2 * sizeof(void*);
    for (const auto& word : *p.cmdline) bytes += sizeof(std::string) + heapOf(word);
  }
  return bytes;
}

void ProcessTable::setCmdline(KnownProcess& p, std::vector<std::string> argv, bool truncated) {
  redactArgv(argv, redaction_);
  p.cmdline = std::make_shared<const std::vector<std::string>>(std::move(argv));
  p.cmdlineTruncated = truncated;
  if (bytes_ + costOf(p) > argvBudget_) {
    p.cmdline.reset();  // over budget: named by comm and exe only
    p.cmdlineTruncated = true;
  }
}

void ProcessTable::seed(std::vector<ProcEntry> procs) {
  for (auto& e : procs) {
    KnownProcess p;
    p.pid = e.pid;
    p.ppid = e.ppid;
    p.uid = e.uid;
    p.nsPid = e.nsPid;
    p.pidNs = e.pidNs;
    p.startNs = e.startTicks * tickNs_;
    p.comm = std::move(e.comm);
    p.exe = std::move(e.exe);
    p.cgroup = std::move(e.cgroup);
    if (!p.cgroup.empty()) p.cgroupId = cgroups_.idOf(p.cgroup);
    setCmdline(p, std::move(e.cmdline), e.cmdlineTruncated);
    insert(std::move(p));
  }
}

KnownProcess* ProcessTable::live(uint32_t pid, uint64_t exactStartNs) {
  auto key = live_.find(pid);
  if (key == live_.end()) return nullptr;
  KnownProcess& p = byStart_.at(key->second);
  // /proc gives start times in clock ticks, rounded down.
  const bool same =
      p.startExact ? p.startNs == exactStartNs : exactStartNs / tickNs_ * tickNs_ == p.startNs;
  if (!same) return nullptr;
  p.startNs = exactStartNs;
  p.startExact = true;
  return &p;
}

KnownProcess& ProcessTable::insert(KnownProcess p) {
  // A pid still marked alive ended unseen (its exit was lost): it ended by
  // the time its pid was given again.
  if (auto old = live_.find(p.pid); old != live_.end()) byStart_.at(old->second).exitNs = p.startNs;
  const Key key{p.pid, p.startNs};
  if (auto same = byStart_.find(key); same != byStart_.end()) {
    bytes_ -= costOf(same->second);
    byStart_.erase(same);
  }
  bytes_ += costOf(p);
  live_[p.pid] = key;
  return byStart_.emplace(key, std::move(p)).first->second;
}

void ProcessTable::apply(const void* data, size_t size) {
  if (!isWholeRecord(data, size)) return;
  sr_header h;
  std::memcpy(&h, data, sizeof h);
  switch (h.kind) {
    case SR_EV_FORK:
      onFork(data);
      break;
    case SR_EV_EXEC:
      onExec(data);
      break;
    case SR_EV_EXIT:
      onExit(data);
      break;
    case SR_EV_SIGNAL_GENERATE:
      onSignal(data);
      break;
    default:
      break;
  }
}

void ProcessTable::onFork(const void* data) {
  sr_fork s;
  std::memcpy(&s, data, sizeof s);
  if ((s.flags & SR_FORK_THREAD) || live(s.child.pid, s.child.start_ns)) return;
  KnownProcess c;
  c.pid = s.child.pid;
  c.ppid = s.h.pid;
  c.uid = s.h.uid;
  c.nsPid = s.child_ns_pid;
  c.pidNs = s.pid_ns;
  c.startNs = s.child.start_ns;
  c.startExact = true;
  c.cgroupId = s.child_cgroup;
  c.comm = fixedString(s.h.comm, sizeof s.h.comm);
  if (const KnownProcess* parent = live(s.h.pid, s.h.start_ns)) {
    c.exe = parent->exe;
    if (parent->cgroupId == c.cgroupId) c.cgroup = parent->cgroup;
    c.cmdline = parent->cmdline;
    c.cmdlineTruncated = parent->cmdlineTruncated;
    if (bytes_ + costOf(c) > argvBudget_) {
      c.cmdline.reset();
      c.cmdlineTruncated = true;
    }
  }
  insert(std::move(c));
}

void ProcessTable::onExec(const void* data) {
  constexpr size_t kFixed = offsetof(sr_exec, data);
  sr_exec s;
  std::memcpy(&s, data, kFixed);
  const char* bytes = static_cast<const char*>(data) + kFixed;
  KnownProcess* p = live(s.h.pid, s.h.start_ns);
  if (!p) {  // its fork was lost, or it was not in /proc yet
    KnownProcess fresh;
    fresh.pid = s.h.pid;
    fresh.startNs = s.h.start_ns;
    fresh.startExact = true;
    p = &insert(std::move(fresh));
  }
  bytes_ -= costOf(*p);
  p->uid = s.h.uid;
  p->comm = fixedString(s.h.comm, sizeof s.h.comm);
  p->exe = fixedString(bytes, s.filename_len);
  if (p->cgroupId != s.cgroup) p->cgroup.clear();
  p->cgroupId = s.cgroup;
  setCmdline(*p, splitArgs({bytes + s.filename_len, s.args_len}), s.flags & SR_EXEC_ARGS_TRUNCATED);
  bytes_ += costOf(*p);
}

// A process moved to another cgroup (systemd does so between fork and exec,
// an operator with echo PID > cgroup.procs) shows it in the next signal it
// receives: the last word before a death by signal, which a death filter
// on its cgroup needs.
void ProcessTable::onSignal(const void* data) {
  sr_signal_generate s;
  std::memcpy(&s, data, sizeof s);
  KnownProcess* p = live(s.target.pid, s.target.start_ns);
  if (!p || !s.target_cgroup || p->cgroupId == s.target_cgroup) return;
  bytes_ -= costOf(*p);
  p->cgroupId = s.target_cgroup;
  p->cgroup.clear();
  bytes_ += costOf(*p);
}

void ProcessTable::onExit(const void* data) {
  sr_exit s;
  std::memcpy(&s, data, sizeof s);
  if (!s.group_dead) return;
  KnownProcess* p = live(s.h.pid, s.h.start_ns);
  if (!p) return;
  p->exitNs = s.h.ts_ns;
  if (s.parent.pid) p->ppid = s.parent.pid;  // reparented since its fork
  live_.erase(s.h.pid);
}

void ProcessTable::forgetExitedBefore(uint64_t ns) {
  for (auto it = byStart_.begin(); it != byStart_.end();) {
    if (it->second.exitNs && it->second.exitNs < ns) {
      bytes_ -= costOf(it->second);
      it = byStart_.erase(it);
    } else {
      ++it;
    }
  }
}

const KnownProcess* ProcessTable::find(uint32_t pid) const {
  auto key = live_.find(pid);
  return key == live_.end() ? nullptr : &byStart_.at(key->second);
}

std::string ProcessTable::resolveCgroup(const KnownProcess& p) {
  if (!p.cgroup.empty() || !p.cgroupId) return p.cgroup;
  return cgroups_.path(p.cgroupId);
}

std::vector<ProcEntry> ProcessTable::aliveAt(uint64_t windowStartNs) {
  std::vector<ProcEntry> out;
  for (const auto& [key, p] : byStart_) {
    if (p.startNs / tickNs_ * tickNs_ > windowStartNs || (p.exitNs && p.exitNs < windowStartNs)) {
      continue;
    }
    ProcEntry& e = out.emplace_back();
    e.pid = p.pid;
    e.ppid = p.ppid;
    e.startTicks = p.startNs / tickNs_;
    e.comm = p.comm;
    e.exe = p.exe;
    if (p.cmdline) e.cmdline = *p.cmdline;
    e.cmdlineTruncated = p.cmdlineTruncated;
    e.uid = p.uid;
    e.cgroup = resolveCgroup(p);
    e.nsPid = p.nsPid;
    e.pidNs = p.pidNs;
  }
  return out;
}

}  // namespace sigrec::record
