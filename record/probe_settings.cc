#include "record/probe_settings.h"

#include <linux/magic.h>
#include <sys/stat.h>
#include <sys/vfs.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
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

bool isCgroup2Dir(const std::string& path) {
  struct statfs fs {};
  return ::statfs(path.c_str(), &fs) == 0 && fs.f_type == CGROUP2_SUPER_MAGIC;
}

// -c takes the cgroup's directory (/sys/fs/cgroup/system.slice/x.service)
// or its path in the hierarchy, as /proc/PID/cgroup shows it
// (/system.slice/x.service, or without the leading slash). A path that
// exists is taken as given, so on a hybrid system (v2 at
// /sys/fs/cgroup/unified) a v1 directory is refused, not looked up again
// under the v2 mount.
std::string cgroupDirectory(const std::string& path) {
  std::error_code ec;
  if (!path.empty() && path[0] == '/' && std::filesystem::exists(path, ec)) {
    if (!std::filesystem::is_directory(path, ec) || !isCgroup2Dir(path))
      throw RecordError("--cgroup: " + path + " is not a cgroup v2 directory (cgroup v2 is at " +
                        cgroup2Mount() + ")");
    return path;
  }
  std::string full = cgroup2Mount() + (path.empty() || path[0] != '/' ? "/" : "") + path;
  if (!std::filesystem::is_directory(full, ec) || !isCgroup2Dir(full))
    throw RecordError("--cgroup: no cgroup " + path + " (looked for the directory " + full + ")");
  return full;
}

// The BPF side compares against the cgroup v2 id, which is the inode number
// of the cgroup's directory.
uint64_t cgroupId(const std::string& path) {
  const std::string full = cgroupDirectory(path);
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
