#include "record/preflight.h"

#include <linux/capability.h>
#include <sys/mount.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <string>

#include "record/record_error.h"

namespace sigrec::record {
namespace {

#ifndef CAP_PERFMON
#define CAP_PERFMON 38
#endif
#ifndef CAP_BPF
#define CAP_BPF 39
#endif

bool hasCap(const __user_cap_data_struct (&data)[2], int cap) {
  return data[cap / 32].effective & (1u << (cap % 32));
}

}  // namespace

void checkPrivileges() {
  __user_cap_header_struct header{_LINUX_CAPABILITY_VERSION_3, 0};
  __user_cap_data_struct data[2]{};
  if (::syscall(SYS_capget, &header, data) != 0) {
    throw RecordError(std::string("cannot read capabilities: ") + std::strerror(errno));
  }
  bool admin = hasCap(data, CAP_SYS_ADMIN);
  if (!admin && !(hasCap(data, CAP_BPF) && hasCap(data, CAP_PERFMON))) {
    throw RecordError(
        "sigrec needs root (or CAP_BPF and CAP_PERFMON) to load its BPF programs: run it with "
        "sudo");
  }
  // Debian's kernels add a level 3 to kernel.perf_event_paranoid, their
  // default, at which perf_event_open(), the way the syscall tracepoints are
  // attached, is refused (EACCES) to all but CAP_SYS_ADMIN: CAP_PERFMON does
  // not do, as it does on mainline kernels.
  int paranoid = 0;
  if (std::FILE* f = std::fopen("/proc/sys/kernel/perf_event_paranoid", "r")) {
    if (std::fscanf(f, "%d", &paranoid) != 1) paranoid = 0;
    std::fclose(f);
  }
  if (!admin && paranoid > 2) {
    throw RecordError("kernel.perf_event_paranoid is " + std::to_string(paranoid) +
                      " (Debian's default), which lets only CAP_SYS_ADMIN attach tracepoints: "
                      "grant CAP_SYS_ADMIN too, or run `sysctl kernel.perf_event_paranoid=2`");
  }
}

void checkKernel() {
  struct utsname uts {};
  ::uname(&uts);
  int major = 0, minor = 0;
  std::sscanf(uts.release, "%d.%d", &major, &minor);
  if (major < 5 || (major == 5 && minor < 8)) {
    throw RecordError(std::string("kernel ") + uts.release +
                      " is too old: sigrec needs Linux 5.8 or newer (BPF ring buffer)");
  }
  if (!std::filesystem::exists("/sys/kernel/btf/vmlinux")) {
    throw RecordError(
        "this kernel exposes no BTF (/sys/kernel/btf/vmlinux is missing): sigrec needs a kernel "
        "built with CONFIG_DEBUG_INFO_BTF=y");
  }
}

std::string ensureTracefs() {
  for (const char* dir : {"/sys/kernel/tracing", "/sys/kernel/debug/tracing"}) {
    if (std::filesystem::exists(std::string(dir) + "/events/syscalls")) return dir;
  }
  const char* target = "/sys/kernel/tracing";
  if (::mount("nodev", target, "tracefs", 0, nullptr) == 0 &&
      std::filesystem::exists(std::string(target) + "/events/syscalls")) {
    return std::string(target) + " (mounted by sigrec)";
  }
  int err = errno;
  if (std::filesystem::exists(std::string(target) + "/events") &&
      !std::filesystem::exists(std::string(target) + "/events/syscalls")) {
    throw RecordError(
        "tracefs has no syscall tracepoints (events/syscalls): sigrec needs a kernel built with "
        "CONFIG_FTRACE_SYSCALLS=y");
  }
  throw RecordError(std::string("tracefs is not mounted and mounting it on ") + target +
                    " failed (" + std::strerror(err) +
                    "): mount it with `mount -t tracefs nodev /sys/kernel/tracing`");
}

}  // namespace sigrec::record
