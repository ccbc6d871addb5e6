#include "analyze/query/time_display.h"

#include <fmt/format.h>

#include <ctime>

#include "base/time_format.h"

namespace sigrec::analyze {
namespace {

constexpr int64_t kNsPerSec = 1'000'000'000;

int fractionDigits(int64_t precisionNs) {
  int digits = 9;
  for (int64_t p = precisionNs; p >= 10 && digits > 0; p /= 10) --digits;
  return digits;
}

// Seconds and nanoseconds, the nanoseconds in [0, 1e9).
std::pair<int64_t, int64_t> split(int64_t wallNs) {
  int64_t seconds = wallNs / kNsPerSec, nanos = wallNs % kNsPerSec;
  if (nanos < 0) {
    nanos += kNsPerSec;
    --seconds;
  }
  return {seconds, nanos};
}

std::string localTime(int64_t wallNs) {
  auto [seconds, nanos] = split(wallNs);
  auto t = static_cast<time_t>(seconds);
  struct tm tm {};
  localtime_r(&t, &tm);
  long offset = tm.tm_gmtoff / 60;
  return fmt::format("{:04d}-{:02d}-{:02d}T{:02d}:{:02d}:{:02d}.{:09d}{}{:02d}:{:02d}",
                     tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                     nanos, offset < 0 ? '-' : '+', std::abs(offset) / 60, std::abs(offset) % 60);
}

std::string relativeTime(int64_t ns) {
  const char sign = ns < 0 ? '-' : '+';
  const uint64_t magnitude = ns < 0 ? -static_cast<uint64_t>(ns) : static_cast<uint64_t>(ns);
  const uint64_t seconds = magnitude / kNsPerSec, nanos = magnitude % kNsPerSec;
  if (seconds < 60) return fmt::format("{}{}.{:09d}s", sign, seconds, nanos);
  if (seconds < 3600)
    return fmt::format("{}{}m{:02d}.{:09d}s", sign, seconds / 60, seconds % 60, nanos);
  return fmt::format("{}{}h{:02d}m{:02d}.{:09d}s", sign, seconds / 3600, (seconds % 3600) / 60,
                     seconds % 60, nanos);
}

}  // namespace

std::optional<TimeStyle> parseTimeStyle(const std::string& text) {
  if (text == "utc") return TimeStyle::kUtc;
  if (text == "local") return TimeStyle::kLocal;
  if (text == "relative") return TimeStyle::kRelative;
  return std::nullopt;
}

std::string formatTimeAt(int64_t wallNs, int64_t precisionNs) {
  std::string full = formatTime(wallNs);  // ...SS.nnnnnnnnnZ
  const int digits = fractionDigits(precisionNs);
  const size_t dot = full.size() - 11;
  return full.substr(0, digits ? dot + 1 + digits : dot) + "Z";
}

std::string styledTime(int64_t wallNs, TimeStyle style, int64_t originNs) {
  switch (style) {
    case TimeStyle::kUtc:
      return formatTime(wallNs);
    case TimeStyle::kLocal:
      return localTime(wallNs);
    case TimeStyle::kRelative:
      return relativeTime(wallNs - originNs);
  }
  return formatTime(wallNs);
}

}  // namespace sigrec::analyze
