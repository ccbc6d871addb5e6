// Turns the kernel's per-CPU loss counters into time windows (docs/sigrec.md, "Nothing lost
// silently": "gaps between t1 and t2").
#pragma once

#include <array>
#include <cstdint>
#include <vector>

#include "bpf/events.h"
#include "record/capture_sink.h"

namespace sigrec::record {

class LossTracker {
 public:
  explicit LossTracker(uint64_t startNs) : lastCheckNs_(startNs) {}
  // Records a window for every (CPU, probe) whose loss count grew since the
  // previous check: the losses happened after that check and no later than
  // the kernel's last-loss timestamp.
  void check(const std::vector<sr_counters>& perCpu, uint64_t nowNs, CaptureSink& sink);
  // The same, appending the windows to OUT.
  void check(const std::vector<sr_counters>& perCpu, uint64_t nowNs, std::vector<LossRecord>& out);

 private:
  std::vector<std::array<uint64_t, SR_PROBE_COUNT>> seen_;
  uint64_t lastCheckNs_;
};

}  // namespace sigrec::record
