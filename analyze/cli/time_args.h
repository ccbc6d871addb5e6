// Time arguments of the query commands (docs/sigan.md, "Times"): absolute
// RFC 3339 times, which must carry a zone, and --since/--until durations
// relative to the capture.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "analyze/store/db.h"

namespace sigrec::analyze {

// RFC 3339 with `Z` or an offset; sets *precisionNs like parseTime. Throws
// UsageError naming OPTION: a time without a zone would silently be read in
// one the user did not mean.
int64_t parseAbsoluteTime(const std::string& option, const std::string& text,
                          int64_t* precisionNs = nullptr);

// "10m", "1h30m", "1.5s", "500ms": units ns, us, ms, s, m, h, d. Nullopt if
// TEXT is not one (an optional leading + or - is not part of it).
std::optional<int64_t> parseDurationNs(const std::string& text);

// A --since/--until value before the sources are open: either absolute, or
// an offset from the capture's start ("10m", "+10m") or end ("-5m").
struct TimeBound {
  std::optional<int64_t> wallNs;
  int64_t offsetNs = 0;
  bool fromEnd = false;
};
TimeBound parseTimeBound(const std::string& option, const std::string& text);

// The earliest start and latest end of the captures in DB (wall clock).
struct CaptureSpan {
  int64_t startWallNs = 0;
  int64_t endWallNs = 0;
};
CaptureSpan captureSpan(const Db& db);

int64_t resolve(const TimeBound& bound, const CaptureSpan& span);

}  // namespace sigrec::analyze
