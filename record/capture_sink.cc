#include "record/capture_sink.h"

#include <capnp/message.h>

#include <algorithm>
#include <cstdio>
#include <cstring>

#include "record/event_encoder.h"
#include "record/host_info.h"
#include "record/kernel_enums.h"
#include "record/metrics.h"
#include "schema/capture.capnp.h"
#include "schema/capture_error.h"

namespace sigrec::record {
namespace {

// A batch holds at most ~2 MiB of raw records (about 15k events, or one
// second at lower rates); with 3 queued, memory stays bounded while the
// writer catches up.
constexpr size_t kMaxBatchBytes = 2u << 20;

// Per-(CPU, probe) difference of two cumulative totals.
ProbeTotals minus(const ProbeTotals& a, const ProbeTotals* b) {
  ProbeTotals d = a;
  if (!b) return d;
  for (int p = 0; p < SR_PROBE_COUNT; ++p) {
    d.emitted[p] -= b->emitted[p];
    d.lost[p] -= b->lost[p];
  }
  return d;
}

}  // namespace

CaptureSink::CaptureSink(CaptureFiles& files, SinkSettings settings)
    : files_(files),
      settings_(settings),
      encoding_(settings.redaction),
      thread_([this] { writerLoop(); }) {}

CaptureSink::~CaptureSink() {
  queue_.close();
  if (thread_.joinable()) thread_.join();
}

void CaptureSink::add(const void* data, size_t size) {
  if (!isWholeRecord(data, size)) {
    ++dropped_;
    return;
  }
  sr_header h;
  std::memcpy(&h, data, sizeof h);
  if (endNs_ && h.ts_ns > endNs_) return;  // after the window asked for
  if (h.cpu >= totals_.size()) totals_.resize(h.cpu + 1u);
  ++totals_[h.cpu].emitted[probeOfKind(h.kind)];
  auto offset = static_cast<uint32_t>(current_.bytes.size());
  const auto* bytes = static_cast<const uint8_t*>(data);
  current_.bytes.insert(current_.bytes.end(), bytes, bytes + size);
  current_.records.emplace_back(offset, static_cast<uint32_t>(size));
}

bool CaptureSink::full() const {
  return current_.bytes.size() >= kMaxBatchBytes;
}

bool CaptureSink::due(uint64_t nowNs) const {
  return full() || nowNs - lastHandOffNs_ >= settings_.flushIntervalNs;
}

void CaptureSink::handOff(uint64_t nowNs, const std::vector<sr_counters>& kernelLosses) {
  lastHandOffNs_ = nowNs;
  if (totals_.size() < kernelLosses.size()) totals_.resize(kernelLosses.size());
  for (size_t cpu = 0; cpu < kernelLosses.size(); ++cpu) {
    std::copy(std::begin(kernelLosses[cpu].lost), std::end(kernelLosses[cpu].lost),
              totals_[cpu].lost.begin());
  }
  current_.totals = totals_;
  // After a write failed the queue is cancelled and the batch is dropped:
  // error() says why, and the session stops.
  queue_.push(std::move(current_));
  current_ = queue_.spare();
}

std::optional<std::string> CaptureSink::error() const {
  std::lock_guard lock(mutex_);
  return error_;
}

void CaptureSink::setError(const std::string& message) {
  std::lock_guard lock(mutex_);
  if (!error_) error_ = message;
}

void CaptureSink::setCommand(uint32_t pid, uint64_t startNs) {
  std::lock_guard lock(mutex_);
  commandPid_ = pid;
  commandStartNs_ = startNs;
}

void CaptureSink::finish(const std::string& stopReason, int commandStatus) {
  queue_.close();
  thread_.join();
  if (error()) return;
  try {
    writeTrailer(stopReason, commandStatus);
    updateMetrics(true);
  } catch (const std::exception& e) {
    setError(e.what());
  }
}

void CaptureSink::writerLoop() {
  while (std::optional<RawBatch> next = queue_.pop()) {
    RawBatch& batch = *next;
    try {
      if (files_.needsNewFile()) {
        writeTrailer("rotated", -1);
        files_.rotate();
        if (settings_.printer) settings_.printer->setBootToWallNs(files_.bootToWallNs());
        std::fprintf(stderr, "sigrec: recording to %s\n", files_.currentPath().c_str());
        fileStartTotals_ = lastTotals_;
        fileEvents_ = fileBatches_ = 0;
        fileDroppedStart_ = dropped_;
      }
      writeBatch(batch);
      files_.expire();
      updateMetrics(false);
      if (files_.full() && !files_.rotating()) limitReached_ = true;
      batch.clear();
      queue_.recycle(std::move(batch));
    } catch (const std::exception& e) {
      setError(e.what());
      queue_.cancel();
      return;
    }
  }
}

void CaptureSink::writeBatch(const RawBatch& batch) {
  if (!batch.totals.empty()) lastTotals_ = batch.totals;
  if (batch.records.empty() && batch.losses.empty()) return;
  capnp::MallocMessageBuilder message(1u << 16);
  auto root = message.initRoot<schema::EventBatch>();
  auto events = root.initEvents(static_cast<unsigned>(batch.records.size()));
  for (size_t i = 0; i < batch.records.size(); ++i) {
    auto [offset, size] = batch.records[i];
    encodeEvent(batch.bytes.data() + offset, size, events[static_cast<unsigned>(i)], encoding_);
  }
  auto losses = root.initLosses(static_cast<unsigned>(batch.losses.size()));
  for (size_t i = 0; i < batch.losses.size(); ++i) {
    const LossRecord& l = batch.losses[i];
    auto out = losses[static_cast<unsigned>(i)];
    out.setCpu(l.cpu);
    out.setProbe(probeToFormat(l.probe));
    out.setCount(l.count);
    out.setFromNs(l.fromNs);
    out.setToNs(l.toNs);
  }
  files_.writer().write(capture::FrameType::kEvents, message);
  if (settings_.printer) settings_.printer->print(root.asReader());
  if (settings_.metrics) settings_.metrics->count(root.asReader());
  // Durable within the flush interval, so a power loss keeps all but the
  // last second (docs/sigrec.md, "Crash safety").
  files_.writer().sync();
  fileEvents_ += batch.records.size();
  totalEvents_ += batch.records.size();
  ++fileBatches_;
}

void CaptureSink::updateMetrics(bool force) {
  if (!settings_.metrics) return;
  settings_.metrics->observe(lastTotals_, files_.sequence(), files_.writer().bytesWritten());
  settings_.metrics->write(force);
}

void CaptureSink::writeTrailer(const std::string& reason, int commandStatus) {
  capnp::MallocMessageBuilder message;
  auto trailer = message.initRoot<schema::Trailer>();
  trailer.setStopBootNs(endNs_ ? std::min(endNs_, bootNowNs()) : bootNowNs());
  trailer.setEvents(fileEvents_);
  trailer.setBatches(fileBatches_);
  trailer.setStopReason(reason);
  trailer.setCommandExitStatus(commandStatus);
  trailer.setUserDropped(dropped_ - fileDroppedStart_);
  {
    std::lock_guard lock(mutex_);
    trailer.setCommandPid(commandPid_);
    trailer.setCommandStartNs(commandStartNs_);
  }
  auto counters = trailer.initCounters(static_cast<unsigned>(lastTotals_.size() * SR_PROBE_COUNT));
  uint64_t lost = 0;
  unsigned i = 0;
  for (size_t cpu = 0; cpu < lastTotals_.size(); ++cpu) {
    const ProbeTotals* start = cpu < fileStartTotals_.size() ? &fileStartTotals_[cpu] : nullptr;
    ProbeTotals c = minus(lastTotals_[cpu], start);
    for (int probe = 0; probe < SR_PROBE_COUNT; ++probe, ++i) {
      auto out = counters[i];
      out.setProbe(probeToFormat(probe));
      out.setCpu(static_cast<uint16_t>(cpu));
      out.setEmitted(c.emitted[probe]);
      out.setLost(c.lost[probe]);
      lost += c.lost[probe];
    }
  }
  trailer.setLost(lost);
  files_.writer().write(capture::FrameType::kTrailer, message);
  files_.writer().sync();
}

}  // namespace sigrec::record
