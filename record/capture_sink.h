// Collects raw ring-buffer records into batches and hands each batch to a
// writer thread that encodes, compresses and writes it, so that draining the
// ring buffer never waits for compression or the disk.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "schema/capture_writer.h"

namespace sigrec::record {

struct LossRecord {
  uint16_t cpu;
  uint16_t probe;  // enum sr_probe
  uint64_t count;
  uint64_t fromNs;
  uint64_t toNs;
};

struct RawBatch {
  std::vector<uint8_t> bytes;  // records back to back
  std::vector<std::pair<uint32_t, uint32_t>> records;  // offset, size
  std::vector<LossRecord> losses;
};

class CaptureSink {
 public:
  explicit CaptureSink(capture::CaptureWriter& writer);
  ~CaptureSink();
  CaptureSink(const CaptureSink&) = delete;
  CaptureSink& operator=(const CaptureSink&) = delete;

  void add(const void* data, size_t size);
  void addLoss(const LossRecord& loss) { current_.losses.push_back(loss); }
  // True when the current batch should go now: it is large, or it has waited
  // its flush interval (DESIGN §4: at least every second).
  bool due(uint64_t nowNs) const;
  // Queues the current batch for writing; blocks while the writer is behind
  // by more than a few batches, which bounds memory (the kernel then counts
  // what the ring buffer cannot hold).
  void handOff(uint64_t nowNs);
  // Writes what is queued and stops the writer thread.
  void finish();

  // Set once a write failed (e.g. disk full): nothing more is written.
  std::optional<std::string> error() const;
  uint64_t eventsWritten() const { return eventsWritten_; }
  uint64_t batchesWritten() const { return batchesWritten_; }
  uint64_t dropped() const { return dropped_; }

 private:
  void writerLoop();
  void writeBatch(const RawBatch& batch);

  capture::CaptureWriter& writer_;
  RawBatch current_;
  uint64_t lastHandOffNs_ = 0;
  uint64_t dropped_ = 0;

  mutable std::mutex mutex_;
  std::condition_variable changed_;
  std::deque<RawBatch> queue_;
  bool stopping_ = false;
  std::optional<std::string> error_;
  std::atomic<uint64_t> eventsWritten_{0};
  std::atomic<uint64_t> batchesWritten_{0};
  std::thread thread_;
};

}  // namespace sigrec::record
