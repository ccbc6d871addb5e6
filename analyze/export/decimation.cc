#include "analyze/export/decimation.h"

#include <fmt/format.h>

#include "base/time_format.h"

namespace sigrec::analyze::exporting {

bool Decimator::keep(Track track, const std::string& signal, const char* kind, int64_t ns) {
  if (!enabled_) return true;
  Bucket& b = buckets_[{track.pid, track.tid, signal, kind, ns / 1'000'000'000}];
  if (b.kept < kKeepPerSecond) {
    ++b.kept;
    return true;
  }
  if (b.dropped++ == 0) b.firstNs = ns;
  b.lastNs = ns;
  ++dropped_;
  return false;
}

void Decimator::flush(TraceBuilder& trace) {
  for (const auto& [key, b] : buckets_) {
    if (b.dropped == 0) continue;
    const auto& [pid, tid, signal, kind, second] = key;
    Row args = {{"decimated", b.dropped},
                {"kind", kind},
                {"from", formatTime(b.firstNs)},
                {"to", formatTime(b.lastNs)},
                {"kept_in_that_second", b.kept}};
    trace.instant({pid, tid}, b.firstNs,
                  fmt::format("{} \u00d7 {} more {} (decimated)", signal, b.dropped, kind),
                  "decimated", std::move(args));
  }
}

}  // namespace sigrec::analyze::exporting
