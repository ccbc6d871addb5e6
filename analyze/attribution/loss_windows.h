// The kernel's loss windows (events it could not hand over), so that an
// answer covering one of them says it may be incomplete (docs/sigan.md,
// "Incomplete answers").
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "analyze/store/db.h"

namespace sigrec::analyze {

struct LossOverlap {
  int64_t count = 0;       // events lost in the overlapping windows
  int64_t fromWallNs = 0;  // earliest start of those windows
  int64_t toWallNs = 0;    // latest end
};

class LossWindows {
 public:
  // Loads every window of every capture (there are few: one per CPU and
  // probe per second of loss at most).
  explicit LossWindows(const Db& db);

  // Windows of CAPTURE that overlap [FROM, TO] (wall-clock ns); TO unset =
  // until the end of the capture.
  std::optional<LossOverlap> during(int64_t captureId, int64_t fromWallNs,
                                    std::optional<int64_t> toWallNs) const;

  // "sigan: note: <subject>: the kernel lost N events between T1 and T2; this
  // answer may be incomplete" on stderr.
  static void warn(const std::string& subject, const LossOverlap& overlap);

 private:
  struct Window {
    int64_t captureId, count, fromWallNs, toWallNs;
  };
  std::vector<Window> windows_;
};

}  // namespace sigrec::analyze
