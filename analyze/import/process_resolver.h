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

// Inode of the initial pid namespace: a constant of the kernel
// (PROC_PID_INIT_INO in include/linux/proc_ns.h, fixed since 3.8), so a
// capture needs no field to say which namespace is the host's.
inline constexpr uint32_t kInitPidNs = 0xEFFFFFFCU;

// A pid (or tid) number as some process passes it to a system call: in the
// pid namespace with inode NS, or ns = 0 for host pids (the initial namespace,
// and every caller whose namespace the capture does not know).
struct PidKey {
  uint32_t ns = 0;
  uint32_t number = 0;
  bool operator==(const PidKey&) const = default;
};
struct PidKeyHash {
  size_t operator()(const PidKey& k) const {
    return std::hash<uint64_t>()((uint64_t{k.ns} << 32 | k.number) * 0x9e3779b97f4a7c15ull);
  }
};

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
  bool cmdlineTruncated = false;
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
  bool madeNotedCalls = false;  // holderAtNoted() was asked on its behalf
  bool nsRegistered = false;    // holds (pidNs, nsPid) in the tenure lists

  void seen(uint64_t timeNs);
};

// Who held a pid number: a process (its pid, or its namespace pid), or one
// of its threads (a tid). HOSTNUMBER: the same pid or tid as the host sees it.
struct PidHolder {
  ProcessInstance* process = nullptr;
  uint32_t hostNumber = 0;
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
  // The instance of PID alive at TIMENS (attribution/alive_at.h), or null:
  // for parents found in /proc and OOM victims.
  ProcessInstance* atTime(uint32_t pid, uint64_t timeNs);
  // Records P's pid namespace (from /proc or its fork); keeps values already
  // known unless OVERRIDE. Processes outside the initial namespace then also
  // hold (pidNs, nsPid).
  void setNamespace(ProcessInstance& p, uint32_t pidNs, uint32_t nsPid, bool override);
  // A thread of P started at TIMENS holds its tid (and its namespace tid).
  void addThread(ProcessInstance& p, uint32_t tid, uint64_t timeNs, uint32_t pidNs, uint32_t nsTid);
  // The namespace P's pid numbers are in: its pidNs, or 0 (host pids) for
  // the initial namespace or an unknown one.
  static uint32_t namespaceOf(const ProcessInstance& p);

  // Tenure of a pid number. A pid is held from the fork (or the snapshot)
  // until the parent reaps the process: a zombie still holds it, and kill()
  // finds it. The capture has no event for the reaping, so an instance
  // holds its number until the next holder of the same number in the same
  // namespace starts (the kernel hands a number out again only once it is
  // free). Callers decide what the kernel's answer says (kill() refused
  // with ESRCH: nobody held it). Null when nobody held KEY at TIMENS.
  std::optional<PidHolder> holderAt(PidKey key, uint64_t timeNs) const;
  // holderAt() for a row written now (kill_calls.target_id) whose answer may
  // change as later events add holders or move a start: such changes mark
  // KEY dirty (and CALLER, if its namespace is learnt later), and the
  // importer recomputes the rows of those keys and callers at the end.
  std::optional<PidHolder> holderAtNoted(ProcessInstance& caller, PidKey key, uint64_t timeNs);
  void setExit(ProcessInstance& p, uint64_t exitNs);
  const std::unordered_set<PidKey, PidKeyHash>& dirtyKeys() const { return dirty_; }
  const std::unordered_set<int64_t>& dirtyCallers() const { return dirtyCallers_; }
  ProcessInstance& byId(int64_t id) { return instances_.at(static_cast<size_t>(id - firstId_)); }

  // Fills parentId from ppid (snapshot) or parentStartNs (events).
  void linkParents(uint64_t snapshotNs);
  std::deque<ProcessInstance>& all() { return instances_; }

 private:
  ProcessInstance& create(uint32_t pid, uint64_t startNs, bool exact);
  bool sameTick(uint64_t exactNs, uint64_t tickNs) const;

  struct Tenure {
    ProcessInstance* process;
    uint32_t hostNumber;
    uint64_t threadStartNs;  // a thread's start; 0 for the process itself
    uint64_t startNs() const { return threadStartNs ? threadStartNs : process->startNs; }
  };
  void hold(PidKey key, Tenure tenure);
  void touched(PidKey key, uint64_t fromNs);

  int64_t firstId_;
  int64_t nextId_;
  uint64_t tickNs_;
  std::deque<ProcessInstance> instances_;  // stable addresses
  std::unordered_map<uint32_t, std::vector<ProcessInstance*>> byPid_;
  std::unordered_map<PidKey, std::vector<Tenure>, PidKeyHash> holders_;
  std::unordered_map<PidKey, uint64_t, PidKeyHash> queriedUpTo_;  // latest noted time per key
  std::unordered_set<PidKey, PidKeyHash> dirty_;
  std::unordered_set<int64_t> dirtyCallers_;
};

}  // namespace sigrec::analyze
