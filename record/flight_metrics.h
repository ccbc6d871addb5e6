// --metrics with --flight-recorder: the counters of a recording to a file
// (record/metrics.h, docs/deploy.md "Metrics"), counted from every event as
// it enters memory rather than from what is dumped, so that monitoring sees
// the machine whether or not a trigger fires. The records are encoded as
// the capture writer would encode them (record/event_encoder.h), so both
// modes count the same way. Capture bytes are the dumps' bytes.
#pragma once

#include <cstdint>
#include <utility>
#include <vector>

#include "bpf/events.h"
#include "record/capture_sink.h"
#include "record/metrics.h"

namespace sigrec::record {

class FlightMetrics {
 public:
  explicit FlightMetrics(Metrics& metrics) : metrics_(metrics) {}

  // One ring-buffer record.
  void add(const void* data, size_t size);
  // So much is pending that this drain should stop for a flush.
  bool full() const;
  // Counts what is pending, takes the kernel's loss counters and the dumps'
  // bytes so far, and rewrites the file if it is due (or FORCE). False if
  // the file could not be written (Metrics::error says why).
  bool flush(const std::vector<sr_counters>& counters, uint64_t dumpBytes, bool force = false);

 private:
  Metrics& metrics_;
  std::vector<uint8_t> bytes_;
  std::vector<std::pair<uint32_t, uint32_t>> records_;  // offset, size
  std::vector<ProbeTotals> totals_;
};

}  // namespace sigrec::record
