#include "base/time_format.h"

#include <fmt/format.h>

#include <cctype>
#include <ctime>

namespace sigrec {
namespace {

constexpr int64_t kNsPerSec = 1'000'000'000;

bool digits(std::string_view text, size_t pos, size_t count, int* out) {
  if (pos + count > text.size()) return false;
  int value = 0;
  for (size_t i = pos; i < pos + count; ++i) {
    if (!std::isdigit(static_cast<unsigned char>(text[i]))) return false;
    value = value * 10 + (text[i] - '0');
  }
  *out = value;
  return true;
}

}  // namespace

std::string formatTime(int64_t wallNs) {
  int64_t seconds = wallNs / kNsPerSec;
  int64_t nanos = wallNs % kNsPerSec;
  if (nanos < 0) {
    nanos += kNsPerSec;
    --seconds;
  }
  auto t = static_cast<time_t>(seconds);
  struct tm tm {};
  gmtime_r(&t, &tm);
  return fmt::format("{:04d}-{:02d}-{:02d}T{:02d}:{:02d}:{:02d}.{:09d}Z", tm.tm_year + 1900,
                     tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, nanos);
}

std::optional<int64_t> parseTime(std::string_view text, int64_t* precisionNs) {
  struct tm tm {};
  int year, month, day, hour, minute, second;
  if (!digits(text, 0, 4, &year) || text.size() < 19 || text[4] != '-' ||
      !digits(text, 5, 2, &month) || text[7] != '-' || !digits(text, 8, 2, &day) ||
      (text[10] != 'T' && text[10] != 't' && text[10] != ' ') || !digits(text, 11, 2, &hour) ||
      text[13] != ':' || !digits(text, 14, 2, &minute) || text[16] != ':' ||
      !digits(text, 17, 2, &second))
    return std::nullopt;
  size_t pos = 19;
  int64_t nanos = 0;
  int64_t precision = kNsPerSec;
  if (pos < text.size() && text[pos] == '.') {
    ++pos;
    int count = 0;
    while (pos < text.size() && std::isdigit(static_cast<unsigned char>(text[pos]))) {
      if (count < 9) {
        nanos = nanos * 10 + (text[pos] - '0');
        precision /= 10;
      }
      ++count;
      ++pos;
    }
    if (count == 0) return std::nullopt;
    for (int i = count; i < 9; ++i) nanos *= 10;
  }
  int64_t offsetSeconds = 0;
  if (pos < text.size()) {
    if (text[pos] == 'Z' || text[pos] == 'z') {
      ++pos;
    } else if (text[pos] == '+' || text[pos] == '-') {
      int oh, om;
      if (!digits(text, pos + 1, 2, &oh) || pos + 3 >= text.size() || text[pos + 3] != ':' ||
          !digits(text, pos + 4, 2, &om))
        return std::nullopt;
      offsetSeconds = (text[pos] == '+' ? 1 : -1) * (int64_t{oh} * 3600 + int64_t{om} * 60);
      pos += 6;
    }
  }
  if (pos != text.size() || month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 ||
      minute > 59 || second > 60)
    return std::nullopt;
  tm.tm_year = year - 1900;
  tm.tm_mon = month - 1;
  tm.tm_mday = day;
  tm.tm_hour = hour;
  tm.tm_min = minute;
  tm.tm_sec = second;
  int64_t seconds = static_cast<int64_t>(timegm(&tm)) - offsetSeconds;
  if (precisionNs) *precisionNs = precision;
  return seconds * kNsPerSec + nanos;
}

std::string formatDuration(int64_t ns) {
  if (ns < 0) return "-" + formatDuration(-ns);
  if (ns < 1'000) return fmt::format("{}ns", ns);
  // Thresholds just below the next unit, so rounding never prints "1000.0us".
  if (ns < 999'950) return fmt::format("{:.1f}us", ns / 1e3);
  if (ns < 999'950'000) return fmt::format("{:.1f}ms", ns / 1e6);
  if (ns < 60 * kNsPerSec) return fmt::format("{:.3f}s", ns / 1e9);
  int64_t s = ns / kNsPerSec;
  if (s < 3600) return fmt::format("{}m{:02d}s", s / 60, s % 60);
  if (s < 86400) return fmt::format("{}h{:02d}m", s / 3600, (s % 3600) / 60);
  return fmt::format("{}d{:02d}h", s / 86400, (s % 86400) / 3600);
}

}  // namespace sigrec
