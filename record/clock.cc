#include "record/clock.h"

#include <time.h>

#include <climits>

namespace sigrec::record {
namespace {

int64_t clockNs(clockid_t clock) {
  timespec ts{};
  ::clock_gettime(clock, &ts);
  return int64_t(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
}

class SystemClock final : public Clock {
 public:
  int64_t bootNs() const override { return clockNs(CLOCK_BOOTTIME); }
  int64_t wallNs() const override { return clockNs(CLOCK_REALTIME); }
};

}  // namespace

const Clock& systemClock() {
  static const SystemClock clock;
  return clock;
}

// wall - boot, from the tightest of a few bracketed samples, so a preemption
// between the two clock reads does not skew every timestamp of the capture.
int64_t bootToWallNs(const Clock& clock) {
  int64_t best = 0, bestWidth = INT64_MAX;
  for (int i = 0; i < 5; ++i) {
    int64_t b1 = clock.bootNs();
    int64_t wall = clock.wallNs();
    int64_t b2 = clock.bootNs();
    if (b2 - b1 < bestWidth) {
      bestWidth = b2 - b1;
      best = wall - (b1 + (b2 - b1) / 2);
    }
  }
  return best;
}

}  // namespace sigrec::record
