#include "record/capture_sink.h"

#include <capnp/message.h>

#include <cstring>

#include "record/event_encoder.h"
#include "schema/capture.capnp.h"
#include "schema/capture_error.h"

namespace sigrec::record {
namespace {

constexpr uint64_t kFlushIntervalNs = 1'000'000'000;  // DESIGN §4: at least every second
constexpr size_t kMaxBatchBytes = 8u << 20;
constexpr size_t kMaxQueuedBatches = 4;

}  // namespace

CaptureSink::CaptureSink(capture::CaptureWriter& writer)
    : writer_(writer), thread_([this] { writerLoop(); }) {}

CaptureSink::~CaptureSink() { finish(); }

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
         (nowNs - lastHandOffNs_ >= kFlushIntervalNs &&
          (!current_.records.empty() || !current_.losses.empty()));
}

void CaptureSink::handOff(uint64_t nowNs) {
  lastHandOffNs_ = nowNs;
  if (current_.records.empty() && current_.losses.empty()) return;
  std::unique_lock lock(mutex_);
  changed_.wait(lock, [this] { return queue_.size() < kMaxQueuedBatches || error_; });
  if (!error_) queue_.push_back(std::move(current_));
  current_ = RawBatch{};
  changed_.notify_all();
}

void CaptureSink::finish() {
  {
    std::lock_guard lock(mutex_);
    if (stopping_) return;
    stopping_ = true;
  }
  changed_.notify_all();
  thread_.join();
}

std::optional<std::string> CaptureSink::error() const {
  std::lock_guard lock(mutex_);
  return error_;
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
      writeBatch(batch);
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
  capnp::MallocMessageBuilder message(1u << 16);
  auto root = message.initRoot<schema::EventBatch>();
  auto events = root.initEvents(static_cast<unsigned>(batch.records.size()));
  for (size_t i = 0; i < batch.records.size(); ++i) {
    auto [offset, size] = batch.records[i];
    encodeEvent(batch.bytes.data() + offset, size, events[static_cast<unsigned>(i)]);
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
  writer_.write(capture::FrameType::kEvents, message);
  // Durable within the flush interval, so a power loss keeps all but the
  // last second (DESIGN §4).
  writer_.sync();
  eventsWritten_ += batch.records.size();
  ++batchesWritten_;
}

}  // namespace sigrec::record
