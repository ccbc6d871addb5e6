#include "analyze/attribution/loss_windows.h"

#include <fmt/format.h>

#include <algorithm>
#include <iostream>

#include "base/time_format.h"
#include "base/visible_text.h"

namespace sigrec::analyze {

LossWindows::LossWindows(const Db& db) {
  auto stmt = db.prepare(
      "SELECT l.capture_id, l.count, l.from_ns + c.boot_to_wall_ns AS from_wall_ns,"
      " l.to_ns + c.boot_to_wall_ns AS to_wall_ns"
      " FROM losses l JOIN captures c ON c.id = l.capture_id");
  while (stmt.step()) {
    windows_.push_back({stmt.getInt("capture_id"), stmt.getInt("count"),
                        stmt.getInt("from_wall_ns"), stmt.getInt("to_wall_ns")});
  }
}

std::optional<LossOverlap> LossWindows::during(int64_t captureId, int64_t fromWallNs,
                                               std::optional<int64_t> toWallNs) const {
  std::optional<LossOverlap> overlap;
  for (const Window& w : windows_) {
    if (w.captureId != captureId || w.toWallNs < fromWallNs) continue;
    if (toWallNs && w.fromWallNs > *toWallNs) continue;
    if (!overlap) overlap = LossOverlap{0, w.fromWallNs, w.toWallNs};
    overlap->count += w.count;
    overlap->fromWallNs = std::min(overlap->fromWallNs, w.fromWallNs);
    overlap->toWallNs = std::max(overlap->toWallNs, w.toWallNs);
  }
  return overlap;
}

void LossWindows::warn(const std::string& subject, const LossOverlap& overlap) {
  std::cerr << fmt::format(
      "sigan: note: {}: the kernel lost {} events between {} and {}; this answer may be "
      "incomplete\n",
      names::visibleText(subject), overlap.count, formatTime(overlap.fromWallNs),
      formatTime(overlap.toWallNs));
}

}  // namespace sigrec::analyze
