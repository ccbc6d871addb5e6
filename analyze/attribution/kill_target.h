// Which process a kill-family call aimed at. The call names its target by a
// pid (or tid) in the caller's own pid namespace, and the kernel looks it
// up there; the database keeps that number and the host pid it means.
#pragma once

#include <cstdint>
#include <optional>

#include "analyze/import/process_resolver.h"
#include "schema/capture.capnp.h"

namespace sigrec::analyze {

// What a kill-family call's arguments name (docs/capture-format.md), as
// passed: in the caller's pid namespace.
struct KillCallArgs {
  std::optional<int64_t> signo, targetPid, targetTid;
};
KillCallArgs killCallArgs(schema::Syscall call, int64_t a0, int64_t a1, int64_t a2);

// kill_calls.target_id, target_host_pid, target_host_tid.
struct KillTarget {
  std::optional<int64_t> id;
  std::optional<int64_t> hostPid, hostTid;
};

// The kernel's answer ESRCH means it found no process: such a call has no
// target, whatever instance last held the number (it was reaped).
// NORETURN: the caller died inside the call, so RET is no answer.
bool refusedAsNoProcess(int64_t ret, bool noReturn);

// The instance that held the call's target number in CALLER's namespace at
// ENTERNS (ProcessResolver::holderAt). A caller in the initial (or an
// unknown) namespace passes host pids, so the host values are the arguments
// themselves. Elsewhere they come from the instance found: none when the
// target is unknown in that namespace (for example a process of a nested
// namespace, whose pid in the caller's namespace no record gives).
KillTarget resolveKillTarget(ProcessResolver& procs, ProcessInstance& caller,
                             const KillCallArgs& args, uint64_t enterNs, bool refused);

}  // namespace sigrec::analyze
