#include "record/host_info.h"

#include <sys/utsname.h>
#include <unistd.h>

#include <fstream>
#include <string>

#include "record/clock.h"

namespace sigrec::record {

uint64_t bootNowNs() {
  return static_cast<uint64_t>(systemClock().bootNs());
}

void fillHostInfo(schema::CaptureInfo::Builder info, int64_t bootToWallNs) {
  struct utsname uts {};
  ::uname(&uts);
  info.setHostname(uts.nodename);
  info.setKernelRelease(uts.release);
  info.setKernelVersion(uts.version);
  info.setMachine(uts.machine);
  std::string bootId;
  std::ifstream("/proc/sys/kernel/random/boot_id") >> bootId;
  info.setBootId(bootId);
  info.setBootToWallNs(bootToWallNs);
  info.setClockTicksPerSecond(static_cast<uint32_t>(::sysconf(_SC_CLK_TCK)));
}

}  // namespace sigrec::record
