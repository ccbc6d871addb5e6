// Times in tables (docs/sigan.md, "Times"): --time utc (RFC 3339 UTC, the
// default), local (RFC 3339 with the local offset) or relative (seconds
// from a reference: the capture's start, or the death in who-killed). JSON
// and CSV always carry RFC 3339 UTC.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace sigrec::analyze {

enum class TimeStyle { kUtc, kLocal, kRelative };
std::optional<TimeStyle> parseTimeStyle(const std::string& text);

// RFC 3339 UTC with as many fraction digits as PRECISION_NS allows (1: 9
// digits; 10 ms, a /proc tick: 2), so a start read from /proc carries no
// digits it never had.
std::string formatTimeAt(int64_t wallNs, int64_t precisionNs);

// WALL_NS in STYLE; relative to ORIGIN_NS: "+1.250000000s", "-0.000650000s",
// "+3m02.000000001s".
std::string styledTime(int64_t wallNs, TimeStyle style, int64_t originNs);

}  // namespace sigrec::analyze
