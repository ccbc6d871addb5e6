#include "analyze/cli/time_args.h"

#include <cctype>
#include <cmath>

#include "analyze/cli/errors.h"
#include "base/time_format.h"

namespace sigrec::analyze {
namespace {

bool endsWithZone(const std::string& text) {
  if (text.empty()) return false;
  if (text.back() == 'Z' || text.back() == 'z') return true;
  // ...+HH:MM or ...-HH:MM after the seconds (the date's own '-' are earlier).
  return text.size() >= 25 && (text[text.size() - 6] == '+' || text[text.size() - 6] == '-') &&
         text[text.size() - 3] == ':';
}

int64_t unitNs(const std::string& unit) {
  if (unit == "ns") return 1;
  if (unit == "us") return 1'000;
  if (unit == "ms") return 1'000'000;
  if (unit == "s") return 1'000'000'000;
  if (unit == "m") return 60'000'000'000;
  if (unit == "h") return 3'600'000'000'000;
  if (unit == "d") return 86'400'000'000'000;
  return 0;
}

}  // namespace

int64_t parseAbsoluteTime(const std::string& option, const std::string& text,
                          int64_t* precisionNs) {
  auto t = parseTime(text, precisionNs);
  if (!t)
    throw UsageError(option + ": not an RFC 3339 time: '" + text +
                     "' (e.g. 2026-11-23T14:01:02.5Z or 2026-11-23T15:01:02+01:00)");
  if (!endsWithZone(text))
    throw UsageError(option + ": '" + text + "' has no zone: add Z for UTC or an offset (+01:00)");
  return *t;
}

std::optional<int64_t> parseDurationNs(const std::string& text) {
  size_t pos = 0;
  double total = 0;
  while (pos < text.size()) {
    size_t start = pos;
    while (pos < text.size() &&
           (std::isdigit(static_cast<unsigned char>(text[pos])) || text[pos] == '.'))
      ++pos;
    size_t unitStart = pos;
    while (pos < text.size() && std::isalpha(static_cast<unsigned char>(text[pos]))) ++pos;
    std::string number = text.substr(start, unitStart - start);
    int64_t unit = unitNs(text.substr(unitStart, pos - unitStart));
    if (number.empty() || number == "." || unit == 0 || number.find('.') != number.rfind('.'))
      return std::nullopt;
    total += std::stod(number) * static_cast<double>(unit);
  }
  if (text.empty() || total > 9e18) return std::nullopt;
  return static_cast<int64_t>(std::llround(total));
}

TimeBound parseTimeBound(const std::string& option, const std::string& text) {
  TimeBound bound;
  bool sign = !text.empty() && (text[0] == '+' || text[0] == '-');
  if (auto d = parseDurationNs(sign ? text.substr(1) : text)) {
    bound.offsetNs = *d;
    bound.fromEnd = sign && text[0] == '-';
    return bound;
  }
  if (!text.empty() && (std::isdigit(static_cast<unsigned char>(text[0])) == 0 || sign))
    throw UsageError(option + ": '" + text +
                     "' is neither an RFC 3339 time nor a duration such as 10m (after the "
                     "capture's start) or -5m (before its end)");
  bound.wallNs = parseAbsoluteTime(option, text);
  return bound;
}

CaptureSpan captureSpan(const Db& db) {
  auto stmt = db.prepare(
      "SELECT MIN(start_ns + boot_to_wall_ns) AS s,"
      " MAX(COALESCE(end_ns, start_ns) + boot_to_wall_ns) AS e FROM captures");
  CaptureSpan span;
  if (stmt.step() && !stmt.isNull("s")) {
    span.startWallNs = stmt.getInt("s");
    span.endWallNs = stmt.getInt("e");
  }
  return span;
}

int64_t resolve(const TimeBound& bound, const CaptureSpan& span) {
  if (bound.wallNs) return *bound.wallNs;
  return bound.fromEnd ? span.endWallNs - bound.offsetNs : span.startWallNs + bound.offsetNs;
}

}  // namespace sigrec::analyze
