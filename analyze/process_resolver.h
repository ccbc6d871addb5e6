// Process instances of one capture, keyed by (pid, start time). The /proc
// snapshot knows start times only to a clock tick; events know them exactly.
// Every mention of a process goes through here so that the snapshot, fork,
// exec and exit of one process land in one row, and a reused pid in another.
#pragma once

#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

namespace sigrec::analyze {

struct ProcessInstance {
  int64_t id = 0;  // processes.id
  uint32_t pid = 0;
  uint64_t startNs = 0;
  bool startExact = false;
  std::optional<uint32_t> ppid;
  std::optional<int64_t> parentId;
  // Parent given as (pid, exact start) before that instance was known.
  std::optional<uint64_t> parentStartNs;
  std::string comm;
  uint64_t commNs = 0;  // time of the event comm was taken from
  std::string exe;
  std::string cmdline;
  std::optional<uint32_t> uid;
  std::string cgroup;
  std::optional<uint64_t> cgroupId;
  std::optional<uint32_t> nsPid;
  std::optional<uint32_t> pidNs;
  bool inSnapshot = false;
  std::optional<uint64_t> forkNs;
  int execCount = 0;
  uint64_t lastExecNs = 0;
  std::optional<uint64_t> exitNs;
  uint64_t firstSeenNs = UINT64_MAX;
  uint64_t lastSeenNs = 0;

  void seen(uint64_t timeNs);
};

class ProcessResolver {
 public:
  // NEXTID: the first processes.id to hand out. TICKNS: /proc start time unit.
  ProcessResolver(int64_t nextId, uint64_t tickNs);

  // A process from the /proc snapshot (start known to a tick).
  ProcessInstance& addSnapshot(uint32_t pid, uint64_t tickStartNs);
  // The instance with this exact start, merging with a snapshot entry of the
  // same tick, or a new one.
  ProcessInstance& byStart(uint32_t pid, uint64_t exactStartNs);
  // The instance that had PID at TIMENS (started before, not yet exited), or
  // null: used where only a pid is known (kill arguments, OOM victims).
  ProcessInstance* atTime(uint32_t pid, uint64_t timeNs);
  // atTime() for a row written now (kill_calls.target_id) whose answer may
  // change as later events add instances, move a start or set an exit: such
  // changes mark PID dirty, and the importer recomputes those rows in SQL.
  ProcessInstance* atTimeNoted(uint32_t pid, uint64_t timeNs);
  void setExit(ProcessInstance& p, uint64_t exitNs);
  const std::unordered_set<uint32_t>& dirtyPids() const { return dirty_; }

  // Fills parentId from ppid (snapshot) or parentStartNs (events).
  void linkParents(uint64_t snapshotNs);
  std::deque<ProcessInstance>& all() { return instances_; }

 private:
  ProcessInstance& create(uint32_t pid, uint64_t startNs, bool exact);
  bool sameTick(uint64_t exactNs, uint64_t tickNs) const;

  int64_t nextId_;
  uint64_t tickNs_;
  std::deque<ProcessInstance> instances_;  // stable addresses
  std::unordered_map<uint32_t, std::vector<ProcessInstance*>> byPid_;
  void touched(uint32_t pid, uint64_t fromNs);
  std::unordered_map<uint32_t, uint64_t> queriedUpTo_;  // latest atTimeNoted() time per pid
  std::unordered_set<uint32_t> dirty_;
};

}  // namespace sigrec::analyze
