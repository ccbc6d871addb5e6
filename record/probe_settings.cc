#include "record/probe_settings.h"

#include <sys/stat.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <string>

#include "record/preflight.h"
#include "record/record_error.h"

namespace sigrec::record {
namespace {

// Where cgroup v2 is mounted: /sys/fs/cgroup on unified systems,
// /sys/fs/cgroup/unified on hybrid ones.
std::string cgroup2Mount() {
  std::ifstream mounts("/proc/self/mounts");
  std::string device, dir, type, rest;
  while (mounts >> device >> dir >> type && std::getline(mounts, rest)) {
    if (type == "cgroup2") return dir;
  }
  throw RecordError("--cgroup: no cgroup v2 hierarchy is mounted");
}

// The BPF side compares against the cgroup v2 id, which is the inode number
// of the cgroup's directory.
uint64_t cgroupId(const std::string& path) {
  std::string full = path;
  if (full.rfind("/sys/fs/cgroup", 0) != 0) full = cgroup2Mount() + "/" + path;
  struct stat st {};
  if (::stat(full.c_str(), &st) != 0) {
    throw RecordError("--cgroup: " + full + ": " + std::strerror(errno));
  }
  return st.st_ino;
}

}  // namespace

KernelFeatures preflight(bool noSyscallHooks) {
  checkPrivileges();
  checkKernel();
  return probeKernelFeatures(ensureTracefs(), noSyscallHooks);
}

ProbeSettings probeSettings(const Options& opt, KernelFeatures features) {
  ProbeSettings settings;
  settings.signalMask = opt.signalMask;
  settings.filterPid = opt.filterPid;
  settings.filterCgroupId = opt.filterCgroup.empty() ? 0 : cgroupId(opt.filterCgroup);
  settings.threads = opt.threads;
  settings.ringBufferBytes = opt.ringBufferMb << 20;
  settings.verbose = opt.verbose;
  settings.features = std::move(features);
  return settings;
}

}  // namespace sigrec::record
