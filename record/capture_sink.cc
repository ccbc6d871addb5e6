#include "record/capture_sink.h"

#include <capnp/message.h>

#include <cstdio>

#include "record/event_encoder.h"
#include "record/host_info.h"
#include "schema/capture.capnp.h"
#include "schema/capture_error.h"

namespace sigrec::record {
namespace {

constexpr size_t kMaxBatchBytes = 8u << 20;
constexpr size_t kMaxQueuedBatches = 4;

// Per-(CPU, probe) difference of two cumulative counter sets.
sr_counters minus(const sr_counters& a, const sr_counters* b) {
  sr_counters d = a;
  if (!b) return d;
  for (int p = 0; p < SR_PROBE_COUNT; ++p) {
    d.emitted[p] -= b->emitted[p];
    d.lost[p] -= b->lost[p];
  }
  return d;
}

}  // namespace

CaptureSink::CaptureSink(CaptureFiles& files, SinkSettings settings)
    : files_(files), settings_(settings), thread_([this] { writerLoop(); }) {}

CaptureSink::~CaptureSink() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  changed_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void CaptureSink::add(const void* data, size_t size) {
  if (!isWholeRecord(data, size)) {
    ++dropped_;
    return;
  }
  auto offset = static_cast<uint32_t>(current_.bytes.size());
  const auto* bytes = static_cast<const uint8_t*>(data);
  current_.bytes.insert(current_.bytes.end(), bytes, bytes + size);
  current_.records.emplace_back(offset, static_cast<uint32_t>(size));
}

bool CaptureSink::due(uint64_t nowNs) const {
  return current_.bytes.size() >= kMaxBatchBytes ||
         nowNs - lastHandOffNs_ >= settings_.flushIntervalNs;
}

void CaptureSink::handOff(uint64_t nowNs, std::vector<sr_counters> counters) {
  lastHandOffNs_ = nowNs;
  current_.counters = std::move(counters);
  std::unique_lock lock(mutex_);
  changed_.wait(lock, [this] { return queue_.size() < kMaxQueuedBatches || error_; });
  if (!error_) queue_.push_back(std::move(current_));
  current_ = RawBatch{};
  changed_.notify_all();
}

std::optional<std::string> CaptureSink::error() const {
  std::lock_guard lock(mutex_);
  return error_;
}

void CaptureSink::finish(const std::string& stopReason, int commandStatus) {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  changed_.notify_all();
  thread_.join();
  if (error()) return;
  try {
    writeTrailer(stopReason, commandStatus);
  } catch (const std::exception& e) {
    std::lock_guard lock(mutex_);
    error_ = e.what();
  }
}

void CaptureSink::writerLoop() {
  for (;;) {
    RawBatch batch;
    {
      std::unique_lock lock(mutex_);
      changed_.wait(lock, [this] { return !queue_.empty() || stopping_; });
      if (queue_.empty()) return;
      batch = std::move(queue_.front());
      queue_.pop_front();
    }
    changed_.notify_all();
    try {
      if (files_.full() && files_.rotating()) {
        writeTrailer("rotated", -1);
        files_.rotate();
        std::fprintf(stderr, "sigrec: recording to %s\n", files_.currentPath().c_str());
        fileStartCounters_ = lastCounters_;
        fileEvents_ = fileBatches_ = 0;
        fileDroppedStart_ = dropped_;
      }
      writeBatch(batch);
      if (files_.full() && !files_.rotating()) limitReached_ = true;
    } catch (const std::exception& e) {
      std::lock_guard lock(mutex_);
      error_ = e.what();
      queue_.clear();
      changed_.notify_all();
      return;
    }
  }
}

void CaptureSink::writeBatch(const RawBatch& batch) {
  if (!batch.counters.empty()) lastCounters_ = batch.counters;
  if (batch.records.empty() && batch.losses.empty()) return;
  capnp::MallocMessageBuilder message(1u << 16);
  auto root = message.initRoot<schema::EventBatch>();
  auto events = root.initEvents(static_cast<unsigned>(batch.records.size()));
  for (size_t i = 0; i < batch.records.size(); ++i) {
    auto [offset, size] = batch.records[i];
    encodeEvent(batch.bytes.data() + offset, size, events[static_cast<unsigned>(i)],
                settings_.redaction);
  }
  auto losses = root.initLosses(static_cast<unsigned>(batch.losses.size()));
  for (size_t i = 0; i < batch.losses.size(); ++i) {
    const LossRecord& l = batch.losses[i];
    auto out = losses[static_cast<unsigned>(i)];
    out.setCpu(l.cpu);
    out.setProbe(static_cast<schema::Probe>(l.probe));
    out.setCount(l.count);
    out.setFromNs(l.fromNs);
    out.setToNs(l.toNs);
  }
  files_.writer().write(capture::FrameType::kEvents, message);
  // Durable within the flush interval, so a power loss keeps all but the
  // last second (DESIGN §4).
  files_.writer().sync();
  fileEvents_ += batch.records.size();
  totalEvents_ += batch.records.size();
  ++fileBatches_;
}

void CaptureSink::writeTrailer(const std::string& reason, int commandStatus) {
  capnp::MallocMessageBuilder message;
  auto trailer = message.initRoot<schema::Trailer>();
  trailer.setStopBootNs(bootNowNs());
  trailer.setEvents(fileEvents_);
  trailer.setBatches(fileBatches_);
  trailer.setStopReason(reason);
  trailer.setCommandExitStatus(commandStatus);
  trailer.setUserDropped(dropped_ - fileDroppedStart_);
  auto counters =
      trailer.initCounters(static_cast<unsigned>(lastCounters_.size() * SR_PROBE_COUNT));
  uint64_t lost = 0;
  unsigned i = 0;
  for (size_t cpu = 0; cpu < lastCounters_.size(); ++cpu) {
    const sr_counters* start = cpu < fileStartCounters_.size() ? &fileStartCounters_[cpu] : nullptr;
    sr_counters c = minus(lastCounters_[cpu], start);
    for (int probe = 0; probe < SR_PROBE_COUNT; ++probe, ++i) {
      auto out = counters[i];
      out.setProbe(static_cast<schema::Probe>(probe));
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
