// Generated signals on their way into the signals table: each row waits in
// a window (in id order) until its delivery and its kill call are known, so
// that it is written once, complete, and appended in rowid order. Updating
// rows already written (as a per-delivery UPDATE and post-load UPDATEs over
// every signal did) cost more than the inserts. A row leaves the window when
// it is complete or when the window is full; what arrives later for it is
// then an UPDATE (delivery) or a late link resolved at the end (kill call).
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <memory_resource>
#include <optional>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

namespace sigrec::analyze {

// One signals row (analyze/store/tables.cc).
struct SignalRow {
  int64_t id;
  uint64_t timeNs, callEnterNs, targetCgroupId, infoAddr;
  uint32_t cpu, senderPid, senderTid, senderUid, targetPid, targetTid, infoUid;
  int32_t signo, code, result, infoPid, infoStatus;
  int64_t senderId, targetId;
  const std::string *signalName, *codeName, *resultName;
  const char *origin, *infoKind;
  bool group, bySyscall, siginfo;
  std::string senderComm, targetComm;
  std::optional<int64_t> killCallId, deliveryId;
  uint64_t deliveredNs = 0;
  const char* disposition = nullptr;
  // Its cause (analyze/attribution/cause.h) and the facts it came from.
  std::string cause, causeDetail, actorCgroup, targetCgroup, targetMemoryCgroup, kernelStack;
  std::optional<int64_t> causePid, causeTid, actorSyscall;
  uint64_t actorCgroupId = 0;
  uint32_t infoArch = 0;
  int32_t infoSyscall = 0;
  bool forged = false;
  // None when the recorder did not read them (actorFactsSkipped: a signal
  // of kill, tkill or tgkill, whose cause is the call).
  std::optional<uint32_t> actorNsPid;
  std::optional<bool> actorExiting, actorNsInit, targetPdeath;
  bool awaitingDelivery = false, awaitingKill = false;
};

// A kill-family call: (tid, entry time). A signal names the call it was
// generated in by the same pair.
using CallKey = std::pair<uint32_t, uint64_t>;
struct CallKeyHash {
  size_t operator()(const CallKey& k) const {
    return std::hash<uint64_t>()(k.second * 0x9e3779b97f4a7c15ull ^ k.first);
  }
};

class SignalTracker {
 public:
  using Write = std::function<void(const SignalRow&)>;
  // WRITE gets every row once, in id order.
  explicit SignalTracker(Write write, size_t windowRows = size_t{1} << 16);

  // A generated signal (ids in increasing order). Its kill call is the
  // first kill call of the same key, whenever it comes (usually right after:
  // it is recorded at syscall exit); one with result 0 (delivered) waits for
  // its delivery.
  void generated(SignalRow row);
  // The signal a delivery of SIGNO to thread TID of instance PROCESSID
  // took: the latest undelivered generation of it for that thread, or for
  // the process (process-directed).
  std::optional<int64_t> matchDelivery(int64_t processId, int32_t signo, uint32_t tid);
  // Records the delivery of signal SIGNALID; false if its row was written
  // already (the caller updates it).
  bool delivered(int64_t signalId, int64_t deliveryId, uint64_t timeNs, const char* disposition);
  // A kill call; only the first of each key counts (what kill_call_id names).
  void killCall(CallKey key, int64_t killId);
  // Writes every row still held.
  void finish();
  // (signal id, kill call id) for rows written before their call was seen.
  std::vector<std::pair<int64_t, int64_t>> lateKillLinks() const;

 private:
  struct Pending {
    int64_t signalId;
    uint32_t tid;
    bool group;
  };
  struct PairHash {
    size_t operator()(const std::pair<int64_t, int64_t>& k) const {
      return std::hash<int64_t>()(k.first * 0x9e3779b97f4a7c15ull ^ k.second);
    }
  };
  void drain(bool all);

  Write write_;
  size_t windowRows_;
  std::deque<SignalRow> window_;
  // Delivered-result signals not yet matched, by (target instance, signo).
  std::unordered_map<std::pair<int64_t, int64_t>, std::vector<Pending>, PairHash> pending_;
  // One entry per kill call, never erased: millions of nodes on a large
  // capture. Taken from a pool released at once, as freeing them one by one
  // cost about a second at the end of a 10 M-event import.
  std::pmr::monotonic_buffer_resource killsPool_;
  std::pmr::unordered_map<CallKey, int64_t, CallKeyHash> killsByKey_{&killsPool_};
  std::unordered_map<CallKey, std::vector<int64_t>, CallKeyHash> awaitingKill_;
  std::vector<std::pair<int64_t, CallKey>> lateKillLinks_;
};

}  // namespace sigrec::analyze
