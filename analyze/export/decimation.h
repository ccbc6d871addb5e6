// Storms of kernel signals (SIGCHLD from a fork storm, timer signals) would
// bury an incident under instants and make a trace too big to open. Per
// track, signal, kind and second, the first kKeepPerSecond eligible events
// are kept; the rest become one summary instant ("SIGCHLD x 930 more
// (decimated)") at the first one left out, with their count and span in
// its args (docs/fleet.md, "Decimation"). Eligible: kernel-origin signals
// that did not kill their target, and deliveries to a handler or ignored.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <tuple>

#include "analyze/export/trace_builder.h"

namespace sigrec::analyze::exporting {

inline constexpr int kKeepPerSecond = 20;

class Decimator {
 public:
  explicit Decimator(bool enabled) : enabled_(enabled) {}
  // True if the event is to be shown; false: it is counted in a summary.
  bool keep(Track track, const std::string& signal, const char* kind, int64_t ns);
  // One summary instant per bucket that left events out.
  void flush(TraceBuilder& trace);
  int64_t dropped() const { return dropped_; }

 private:
  struct Bucket {
    int kept = 0;
    int64_t dropped = 0, firstNs = 0, lastNs = 0;
  };
  bool enabled_;
  int64_t dropped_ = 0;
  std::map<std::tuple<int64_t, int64_t, std::string, std::string, int64_t>, Bucket> buckets_;
};

}  // namespace sigrec::analyze::exporting
