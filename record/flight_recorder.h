// sigrec --flight-recorder SIZE (docs/deploy.md, "Flight recorder"): the
// newest events stay in memory and nothing is written until a trigger; then
// a dump, a standalone capture, gets the window before the trigger and the
// events of a set time after it, while recording goes on.
//
// Memory: the ring's chunks (counted at their capacity) plus the process
// table (estimated) stay within SIZE: the oldest chunk goes whenever they
// exceed it. The table keeps command lines only while it is under half of
// SIZE. An open dump adds the capture writer's batches (docs/deploy.md).
#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "bpf/events.h"
#include "record/capture_files.h"
#include "record/capture_sink.h"
#include "record/cgroup_resolver.h"
#include "record/flight_ring.h"
#include "record/flight_trigger.h"
#include "record/process_table.h"

namespace sigrec::record {

struct FlightSettings {
  uint64_t budgetBytes = 0;
  uint64_t afterNs = 0;
  FlightTriggers triggers;
  std::string dir;
  uint32_t keep = 0;  // dumps kept in DIR, the newest (earlier runs' included)
  Redaction redaction = Redaction::kNone;
  // Writes a dump's info frame; its events may begin at WINDOW_START_NS.
  std::function<void(capture::CaptureWriter&, uint64_t windowStartNs)> writeInfo;
};

class FlightRecorder {
 public:
  // Seeds the process table from /proc; START_NS: when the probes attached.
  FlightRecorder(FlightSettings settings, uint64_t startNs);
  ~FlightRecorder();
  FlightRecorder(const FlightRecorder&) = delete;
  FlightRecorder& operator=(const FlightRecorder&) = delete;

  // One ring-buffer record (the ring buffer callback).
  void add(const void* data, size_t size);
  // The open dump's batch is full: end this drain so that tick() hands it off.
  bool full() const { return dump_ && dump_->sink->full(); }
  void addLosses(const std::vector<LossRecord>& losses);
  // SIGUSR1.
  void trigger(const std::string& why, uint64_t nowNs) { request("signal", why, nowNs); }
  // After each drain: starts a requested dump, hands the open one its batch,
  // closes it once its time after the trigger is over.
  void tick(uint64_t nowNs, const std::vector<sr_counters>& counters);
  // Recording stops: a dump still open (or requested) is closed now.
  void stop(const std::string& reason, uint64_t nowNs, const std::vector<sr_counters>& counters);

  size_t memoryBytes() const { return ring_.bytes() + table_.bytes(); }
  size_t dumpsWritten() const { return dumpsWritten_; }
  // Bytes of the dumps written so far, the open one included.
  uint64_t dumpBytes() const;

 private:
  struct Request {
    std::string kind, why;
    uint64_t timeNs;
  };
  struct Dump {
    std::string path, why;
    uint64_t endNs = 0;
    std::vector<std::array<uint64_t, SR_PROBE_COUNT>>
        lostBefore;  // kernel counts before the window
    std::unique_ptr<CaptureFiles> files;
    std::unique_ptr<CaptureSink> sink;  // after files: destroyed first
  };

  void request(const std::string& kind, const std::string& why, uint64_t timeNs);
  void checkTriggers(const void* data, size_t size);
  void checkDeath(const sr_exit& exit);
  void evict();
  void startDump(const Request& r, uint64_t nowNs, const std::vector<sr_counters>& counters);
  void handOff(uint64_t nowNs, const std::vector<sr_counters>& counters);
  void closeDump(const std::string& reason, uint64_t nowNs,
                 const std::vector<sr_counters>& counters);
  std::string dumpPath(const std::string& kind) const;
  void writeHeader(capture::CaptureWriter& writer, uint64_t windowStartNs);
  void adoptEarlierDumps();
  void applyRetention();

  FlightSettings settings_;
  CgroupTree cgroups_{readCgroupMounts().v2};  // the v2 hierarchy
  FlightRing ring_;
  ProcessTable table_;
  uint64_t windowStartNs_;
  std::optional<Request> requested_;
  std::optional<Dump> dump_;
  size_t dumpsWritten_ = 0;
  uint64_t closedDumpBytes_ = 0;
  size_t coveredTriggers_ = 0;    // triggers that came while a dump was open
  std::deque<std::string> kept_;  // dumps in DIR, oldest first
};

}  // namespace sigrec::record
