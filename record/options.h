// sigrec's command line (docs/sigrec.md, "Options").
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "record/flight_trigger.h"
#include "record/live_filter.h"
#include "record/redaction.h"

namespace sigrec::record {

struct Options {
  std::string output;                 // capture path
  std::optional<double> durationSec;  // stop after this long
  std::vector<std::string> command;   // run this under recording, then stop
  uint64_t signalMask = ~0ULL;        // bit n-1 = record signal n
  uint32_t filterPid = 0;
  std::string filterCgroup;     // cgroup v2 path; resolved to an id later
  bool threads = false;         // per-thread exits and clones too
  bool noSyscallHooks = false;  // kill-family calls only from their signals
  uint32_t ringBufferMb = 16;
  uint64_t maxSizeBytes = 0;   // per file; 0 = unlimited
  uint32_t rotate = 0;         // keep this many files (>= 2) instead of stopping
  uint64_t maxTotalBytes = 0;  // with rotate: all files together; 0 = unlimited
  uint64_t maxAgeSec = 0;      // with rotate: remove files last written longer ago; 0 = never
  Redaction redaction = Redaction::kNone;
  std::string print;        // "" = off, else table | logfmt | json
  LiveFilter printFilter;   // --print-filter, or its default
  std::string printTo;      // --print-to FILE; "" = stdout
  std::string metricsPath;  // --metrics FILE.prom; "" = off
  uint64_t flightBytes =
      0;  // --flight-recorder SIZE; 0 = record to a file; output is then a directory
  uint64_t flightAfterMs = 5000;  // --flight-after: a dump's time after its trigger
  uint32_t flightKeep = 20;       // --flight-keep: dumps kept in the output directory
  FlightTriggers triggers;        // --trigger-on, besides SIGUSR1
  bool verbose = false;
  bool check = false;             // --check: test every program, record nothing
  bool force = false;             // --force: overwrite an existing capture
  std::vector<std::string> args;  // argv as given, stored in the capture
};

// Parses argv. Prints --help/--version and exits(0) itself; throws
// std::runtime_error with a one-line message on bad usage.
Options parseOptions(int argc, char** argv);

}  // namespace sigrec::record
