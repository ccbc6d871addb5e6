// From the command line and the kernel's features to the settings the BPF
// programs are loaded with.
#pragma once

#include "record/kernel_features.h"
#include "record/options.h"
#include "record/probes.h"

namespace sigrec::record {

// Every check made before loading (privileges, kernel version, BTF,
// tracefs), then the kernel's features (NO_SYSCALL_HOOKS: --no-syscall-hooks).
// Throws RecordError.
KernelFeatures preflight(bool noSyscallHooks);

ProbeSettings probeSettings(const Options& opt, KernelFeatures features);

}  // namespace sigrec::record
