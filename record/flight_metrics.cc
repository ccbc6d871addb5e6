#include "record/flight_metrics.h"

#include <capnp/message.h>

#include <algorithm>
#include <cstring>

#include "record/event_encoder.h"
#include "record/kernel_enums.h"
#include "schema/capture.capnp.h"

namespace sigrec::record {
namespace {

// As a capture batch (record/capture_sink.cc): a bounded amount of raw
// records between two counts.
constexpr size_t kMaxPendingBytes = 2u << 20;

}  // namespace

void FlightMetrics::add(const void* data, size_t size) {
  if (!isWholeRecord(data, size)) return;
  sr_header h;
  std::memcpy(&h, data, sizeof h);
  if (h.cpu >= totals_.size()) totals_.resize(h.cpu + 1u);
  ++totals_[h.cpu].emitted[probeOfKind(h.kind)];
  const auto* bytes = static_cast<const uint8_t*>(data);
  records_.emplace_back(static_cast<uint32_t>(bytes_.size()), static_cast<uint32_t>(size));
  bytes_.insert(bytes_.end(), bytes, bytes + size);
}

bool FlightMetrics::full() const {
  return bytes_.size() >= kMaxPendingBytes;
}

bool FlightMetrics::flush(const std::vector<sr_counters>& counters, uint64_t dumpBytes,
                          bool force) {
  if (!records_.empty()) {
    capnp::MallocMessageBuilder message(1u << 16);
    auto events =
        message.initRoot<schema::EventBatch>().initEvents(static_cast<unsigned>(records_.size()));
    // Metrics count events: no names to resolve.
    EncodeContext counting(Redaction::kNone, false);
    for (size_t i = 0; i < records_.size(); ++i) {
      auto [offset, size] = records_[i];
      encodeEvent(bytes_.data() + offset, size, events[static_cast<unsigned>(i)], counting);
    }
    metrics_.count(message.getRoot<schema::EventBatch>().asReader());
    bytes_.clear();
    records_.clear();
  }
  if (totals_.size() < counters.size()) totals_.resize(counters.size());
  for (size_t cpu = 0; cpu < counters.size(); ++cpu) {
    std::copy(std::begin(counters[cpu].lost), std::end(counters[cpu].lost),
              totals_[cpu].lost.begin());
  }
  metrics_.observe(totals_, 0, dumpBytes);
  return metrics_.write(force);
}

}  // namespace sigrec::record
