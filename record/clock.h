// The two clocks a capture's times come from (docs/capture-format.md, "Time
// base"), behind an interface so that a test can step the wall clock as NTP
// would and see which file carries which offset.
#pragma once

#include <cstdint>

namespace sigrec::record {

class Clock {
 public:
  virtual ~Clock() = default;
  // CLOCK_BOOTTIME in ns: what BPF stamps events with.
  virtual int64_t bootNs() const = 0;
  // CLOCK_REALTIME in ns since the epoch.
  virtual int64_t wallNs() const = 0;
};

// The machine's clocks.
const Clock& systemClock();

// Wall-clock ns since the epoch minus boot-clock ns, now, from CLOCK.
int64_t bootToWallNs(const Clock& clock);

}  // namespace sigrec::record
