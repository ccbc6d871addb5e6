#include "analyze/import/signal_tracker.h"

#include <algorithm>

namespace sigrec::analyze {

SignalTracker::SignalTracker(Write write, size_t windowRows)
    : write_(std::move(write)), windowRows_(windowRows) {}

void SignalTracker::generated(SignalRow row) {
  if (row.bySyscall) {
    CallKey key{row.senderTid, row.callEnterNs};
    auto found = killsByKey_.find(key);
    if (found != killsByKey_.end()) {
      row.killCallId = found->second;
    } else {
      row.awaitingKill = true;
      awaitingKill_[key].push_back(row.id);
    }
  }
  if (row.result == 0) {
    row.awaitingDelivery = true;
    pending_[{row.targetId, row.signo}].push_back({row.id, row.targetTid, row.group});
  }
  window_.push_back(std::move(row));
  drain(false);
}

std::optional<int64_t> SignalTracker::matchDelivery(int64_t processId, int32_t signo,
                                                    uint32_t tid) {
  auto found = pending_.find({processId, signo});
  if (found == pending_.end()) return std::nullopt;
  auto& list = found->second;
  for (auto it = list.rbegin(); it != list.rend(); ++it) {
    if (it->tid == tid || it->group) {
      int64_t id = it->signalId;
      list.erase(std::next(it).base());
      return id;
    }
  }
  return std::nullopt;
}

bool SignalTracker::delivered(int64_t signalId, int64_t deliveryId, uint64_t timeNs,
                              const char* disposition) {
  if (window_.empty() || signalId < window_.front().id) return false;
  SignalRow& row = window_[static_cast<size_t>(signalId - window_.front().id)];
  row.deliveryId = deliveryId;
  row.deliveredNs = timeNs;
  row.disposition = disposition;
  row.awaitingDelivery = false;
  drain(false);
  return true;
}

void SignalTracker::killCall(CallKey key, int64_t killId) {
  if (!killsByKey_.emplace(key, killId).second) return;
  auto waiting = awaitingKill_.find(key);
  if (waiting == awaitingKill_.end()) return;
  for (int64_t id : waiting->second) {
    SignalRow& row = window_[static_cast<size_t>(id - window_.front().id)];
    row.killCallId = killId;
    row.awaitingKill = false;
  }
  awaitingKill_.erase(waiting);
  drain(false);
}

void SignalTracker::finish() {
  drain(true);
}

void SignalTracker::drain(bool all) {
  while (!window_.empty()) {
    SignalRow& front = window_.front();
    bool complete = !front.awaitingDelivery && !front.awaitingKill;
    if (!all && !complete && window_.size() <= windowRows_) break;
    if (front.awaitingKill) {
      CallKey key{front.senderTid, front.callEnterNs};
      lateKillLinks_.emplace_back(front.id, key);
      auto waiting = awaitingKill_.find(key);
      if (waiting != awaitingKill_.end()) {
        auto& ids = waiting->second;
        ids.erase(std::remove(ids.begin(), ids.end(), front.id), ids.end());
        if (ids.empty()) awaitingKill_.erase(waiting);
      }
    }
    write_(front);
    window_.pop_front();
  }
}

std::vector<std::pair<int64_t, int64_t>> SignalTracker::lateKillLinks() const {
  std::vector<std::pair<int64_t, int64_t>> links;
  for (const auto& [signalId, key] : lateKillLinks_) {
    auto found = killsByKey_.find(key);
    if (found != killsByKey_.end()) links.emplace_back(signalId, found->second);
  }
  return links;
}

}  // namespace sigrec::analyze
