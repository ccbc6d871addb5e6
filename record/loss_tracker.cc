#include "record/loss_tracker.h"

namespace sigrec::record {

void LossTracker::check(const std::vector<sr_counters>& perCpu, uint64_t nowNs, CaptureSink& sink) {
  std::vector<LossRecord> windows;
  check(perCpu, nowNs, windows);
  for (const LossRecord& loss : windows) sink.addLoss(loss);
}

void LossTracker::check(const std::vector<sr_counters>& perCpu, uint64_t nowNs,
                        std::vector<LossRecord>& out) {
  if (seen_.size() < perCpu.size()) seen_.resize(perCpu.size(), {});
  for (size_t cpu = 0; cpu < perCpu.size(); ++cpu) {
    for (int probe = 0; probe < SR_PROBE_COUNT; ++probe) {
      uint64_t lost = perCpu[cpu].lost[probe];
      if (lost <= seen_[cpu][probe]) continue;
      out.push_back({static_cast<uint16_t>(cpu), static_cast<uint16_t>(probe),
                     lost - seen_[cpu][probe], lastCheckNs_, perCpu[cpu].last_loss_ns[probe]});
      seen_[cpu][probe] = lost;
    }
  }
  lastCheckNs_ = nowNs;
}

}  // namespace sigrec::record
