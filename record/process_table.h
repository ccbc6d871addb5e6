// The processes a flight-recorder dump needs to name its senders (docs/
// deploy.md, "Flight recorder"). A sender's exec and fork records may have
// left the ring long before it sends a signal, so the recorder keeps every
// live process here: seeded from /proc, then kept current by the fork, exec
// and exit records as they arrive. A process that exited stays (as exited)
// while the ring still holds events from its lifetime, so that its signals
// in the window keep a name. A dump writes from this table the /proc
// snapshot a capture starts with: the processes alive when its window opens.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "record/cgroup_resolver.h"
#include "record/procfs_snapshot.h"
#include "record/redaction.h"

namespace sigrec::record {

struct KnownProcess {
  uint32_t pid = 0, ppid = 0, uid = 0, nsPid = 0, pidNs = 0;
  uint64_t startNs = 0;  // exact once an event named it; from /proc, a tick's start
  bool startExact = false;
  uint64_t exitNs = 0;            // 0 while alive
  uint64_t cgroupId = 0;          // 0 = unknown
  std::string comm, exe, cgroup;  // cgroup "" = not resolved yet
  // Shared with forked children until they exec: a prefork server's workers
  // cost one command line, not one each.
  std::shared_ptr<const std::vector<std::string>> cmdline;
  bool cmdlineTruncated = false;
};

class ProcessTable {
 public:
  // Command lines are redacted as REDACTION says and kept only while the
  // table's estimated size is below ARGV_BUDGET bytes (beyond that a process
  // is kept without one, marked truncated), so that the table cannot crowd
  // the ring out of its memory.
  ProcessTable(Redaction redaction, size_t argvBudget, CgroupTree& cgroups);

  void seed(std::vector<ProcEntry> procs);
  // Applies a fork, exec or exit record (others, and partial records, are
  // ignored).
  void apply(const void* data, size_t size);
  // Forgets processes that exited before NS (the oldest event the ring holds).
  void forgetExitedBefore(uint64_t ns);
  // The live (or latest) process with this pid, null if unknown.
  const KnownProcess* find(uint32_t pid) const;
  std::string cgroupPath(const KnownProcess& p) { return resolveCgroup(p); }

  // Processes started by WINDOW_START (at tick resolution) and alive at it,
  // as /proc would have listed them.
  std::vector<ProcEntry> aliveAt(uint64_t windowStartNs);

  // Estimated heap use: entries, strings, command lines.
  size_t bytes() const { return bytes_; }
  size_t size() const { return byStart_.size(); }

 private:
  using Key = std::pair<uint32_t, uint64_t>;  // pid, startNs as first known
  KnownProcess* live(uint32_t pid, uint64_t exactStartNs);
  KnownProcess& insert(KnownProcess p);
  void setCmdline(KnownProcess& p, std::vector<std::string> argv, bool truncated);
  void onFork(const void* data);
  void onExec(const void* data);
  void onExit(const void* data);
  void onSignal(const void* data);
  std::string resolveCgroup(const KnownProcess& p);
  static size_t costOf(const KnownProcess& p);

  Redaction redaction_;
  size_t argvBudget_;
  CgroupTree& cgroups_;
  uint64_t tickNs_;
  std::map<Key, KnownProcess> byStart_;
  std::unordered_map<uint32_t, Key> live_;  // pid -> its newest instance
  size_t bytes_ = 0;
};

}  // namespace sigrec::record
