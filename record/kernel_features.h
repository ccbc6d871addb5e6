// What the running kernel offers the BPF programs, probed once at start.
// Every fallback sigrec has is decided here and nowhere else: the programs
// get the decisions as load-time constants, the capture records them
// (CaptureInfo.kernelFeatures) and `sigrec --check` prints them
// (docs/kernels.md).
#pragma once

#include <string>
#include <utility>
#include <vector>

namespace sigrec::record {

// Where a thread's "inside a kill-family call" state lives.
enum class InflightState { kTaskStorage, kHash };
// How the exit of a whole process is told from a thread's.
enum class ExitGroupDead { kTracepointArgument, kClaimMap };
// How kill-family calls are hooked (bpf/kill_calls.h): fexit on the syscall
// functions where the kernel allows it, else the syscall tracepoints, or
// not at all (--no-syscall-hooks).
enum class KillCalls { kFexit, kSyscallTracepoints, kNone };

struct KernelFeatures {
  InflightState inflight = InflightState::kHash;
  ExitGroupDead exitGroupDead = ExitGroupDead::kClaimMap;
  bool currentTaskBtf = false;  // bpf_get_current_task_btf(), v5.11
  KillCalls killCalls = KillCalls::kSyscallTracepoints;
  std::string tracefs;  // where tracefs is mounted, and by whom

  // (name, value) pairs in a fixed order: what the capture records.
  std::vector<std::pair<std::string, std::string>> describe() const;
};

// Probes the kernel (BTF, helper and map-type probes, and a trial fexit
// attach). SIGREC_FORCE_FALLBACK, a comma-separated list of feature names
// (inflight_state, exit_group_dead, current_task, kill_calls), forces those
// fallbacks where the kernel has the feature, so that tests run the
// fallback paths on any kernel (kill_calls: the syscall tracepoints where
// fexit works). NO_SYSCALL_HOOKS, or the name syscall_hooks in that list,
// asks for KillCalls::kNone.
// Throws RecordError for a kernel sigrec cannot run on at all, or that
// cannot run without syscall hooks when asked to.
KernelFeatures probeKernelFeatures(std::string tracefs, bool noSyscallHooks = false);

}  // namespace sigrec::record
