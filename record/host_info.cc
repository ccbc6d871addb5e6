#include "record/host_info.h"

#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include <fstream>
#include <string>

namespace sigrec::record {
namespace {

int64_t clockNs(clockid_t clock) {
  timespec ts{};
  ::clock_gettime(clock, &ts);
  return int64_t(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
}

}  // namespace

// wall - boot, from the tightest of a few bracketed samples, so a preemption
// between the two clock reads does not skew every timestamp of the capture.
int64_t bootToWallNs() {
  int64_t best = 0, bestWidth = INT64_MAX;
  for (int i = 0; i < 5; ++i) {
    int64_t b1 = clockNs(CLOCK_BOOTTIME);
    int64_t wall = clockNs(CLOCK_REALTIME);
    int64_t b2 = clockNs(CLOCK_BOOTTIME);
    if (b2 - b1 < bestWidth) {
      bestWidth = b2 - b1;
      best = wall - (b1 + (b2 - b1) / 2);
    }
  }
  return best;
}

uint64_t bootNowNs() {
  return static_cast<uint64_t>(clockNs(CLOCK_BOOTTIME));
}

void fillHostInfo(schema::CaptureInfo::Builder info) {
  struct utsname uts {};
  ::uname(&uts);
  info.setHostname(uts.nodename);
  info.setKernelRelease(uts.release);
  info.setKernelVersion(uts.version);
  info.setMachine(uts.machine);
  std::string bootId;
  std::ifstream("/proc/sys/kernel/random/boot_id") >> bootId;
  info.setBootId(bootId);
  info.setBootToWallNs(bootToWallNs());
  info.setClockTicksPerSecond(static_cast<uint32_t>(::sysconf(_SC_CLK_TCK)));
}

}  // namespace sigrec::record
