// Collects raw ring-buffer records into batches and hands each batch to a
// writer thread that encodes, compresses and writes it, so that draining the
// ring buffer never waits for compression or the disk. The writer thread also
// rotates files and writes each file's trailer.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "base/bounded_queue.h"
#include "bpf/events.h"
#include "record/capture_files.h"
#include "record/event_encoder.h"
#include "record/live_printer.h"
#include "record/redaction.h"

namespace sigrec::record {

struct LossRecord {
  uint16_t cpu;
  uint16_t probe;  // enum sr_probe
  uint64_t count;
  uint64_t fromNs;
  uint64_t toNs;
};

// Per CPU: events handed over by the kernel (counted here, on receipt) and
// events it could not hand over (counted in the kernel), per probe.
struct ProbeTotals {
  std::array<uint64_t, SR_PROBE_COUNT> emitted{};
  std::array<uint64_t, SR_PROBE_COUNT> lost{};
};

struct RawBatch {
  std::vector<uint8_t> bytes;                          // records back to back
  std::vector<std::pair<uint32_t, uint32_t>> records;  // offset, size
  std::vector<LossRecord> losses;
  std::vector<ProbeTotals> totals;  // since the start, at hand-off

  // Empty, keeping the capacity, for reuse.
  void clear() {
    bytes.clear();
    records.clear();
    losses.clear();
    totals.clear();
  }
};

class Metrics;

struct SinkSettings {
  uint64_t flushIntervalNs =
      1'000'000'000;  // at least every second (docs/sigrec.md, "Crash safety")
  Redaction redaction = Redaction::kNone;
  LivePrinter* printer = nullptr;  // --print
  Metrics* metrics = nullptr;      // --metrics
};

class CaptureSink {
 public:
  CaptureSink(CaptureFiles& files, SinkSettings settings);
  ~CaptureSink();
  CaptureSink(const CaptureSink&) = delete;
  CaptureSink& operator=(const CaptureSink&) = delete;

  void add(const void* data, size_t size);
  void addLoss(const LossRecord& loss) { current_.losses.push_back(loss); }
  // True when the current batch should go now: it is full, or it has waited
  // its flush interval.
  bool due(uint64_t nowNs) const;
  bool full() const;
  // Queues the current batch, with the kernel's loss counters, for writing;
  // blocks while the writer is behind by more than a few batches, which
  // bounds memory (the kernel then counts what the ring buffer cannot hold).
  void handOff(uint64_t nowNs, const std::vector<sr_counters>& kernelLosses);
  // Writes what is queued, then the trailer, and stops the writer thread.
  void finish(const std::string& stopReason, int commandStatus);
  // The capture ends at STOP_NS (boot clock) at the latest: later records
  // are left out and the trailer says it stopped then (or when finish()
  // was called, if that is earlier). For --duration, whose window would
  // otherwise grow by the time the probes take to detach (~0.5 s: each
  // tracepoint link waits for an RCU grace period, one after the other).
  void endAt(uint64_t stopNs) { endNs_ = stopNs; }
  // The command's process (sigrec -- CMD), named in every trailer from now
  // on: PID and its /proc start time in ns (tick-rounded).
  void setCommand(uint32_t pid, uint64_t startNs);

  // Set once a write failed (e.g. disk full): nothing more is written.
  std::optional<std::string> error() const;
  // The size limit was reached and the recording is not rotating: stop.
  bool limitReached() const { return limitReached_; }
  uint64_t eventsWritten() const { return totalEvents_; }

 private:
  uint64_t endNs_ = 0;  // 0: when finish() is called
  void writerLoop();
  void writeBatch(const RawBatch& batch);
  void writeTrailer(const std::string& reason, int commandStatus);
  void setError(const std::string& message);
  void updateMetrics(bool force);  // writer thread

  CaptureFiles& files_;
  SinkSettings settings_;
  RawBatch current_;
  std::vector<ProbeTotals> totals_;
  uint64_t lastHandOffNs_ = 0;
  std::atomic<uint64_t> dropped_{0};
  // Set by the main thread, read by the writer thread (trailers of rotated
  // files): both under mutex_.
  uint32_t commandPid_ = 0;
  uint64_t commandStartNs_ = 0;

  // A few batches at most between the drain and the writer; written ones
  // come back emptied for the next hand-off (BoundedQueue's recycling):
  // reusing their memory spares a page fault per 4 KiB of records (a tenth
  // of the recorder's CPU).
  static constexpr size_t kQueuedBatches = 3;
  BoundedQueue<RawBatch> queue_{kQueuedBatches};
  mutable std::mutex mutex_;  // error_, commandPid_, commandStartNs_
  std::optional<std::string> error_;
  std::atomic<bool> limitReached_{false};
  std::atomic<uint64_t> totalEvents_{0};

  EncodeContext encoding_;  // writer thread only

  // Writer thread only: what the current file holds.
  std::vector<ProbeTotals> fileStartTotals_, lastTotals_;
  uint64_t fileEvents_ = 0, fileBatches_ = 0, fileDroppedStart_ = 0;
  std::thread thread_;
};

}  // namespace sigrec::record
