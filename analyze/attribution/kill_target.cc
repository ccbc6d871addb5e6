#include "analyze/attribution/kill_target.h"

#include <cerrno>

#include "base/kill_syscalls.h"

namespace sigrec::analyze {
namespace {

std::optional<uint32_t> pidNumber(std::optional<int64_t> n) {
  if (!n || *n < 0 || *n > int64_t{UINT32_MAX}) return std::nullopt;
  return static_cast<uint32_t>(*n);
}

}  // namespace

KillCallArgs killCallArgs(schema::Syscall call, int64_t a0, int64_t a1, int64_t a2) {
  KillTargetArgs args = killTargetArgs(static_cast<unsigned>(call), {a0, a1, a2});
  return {args.signo, args.pid, args.tid};
}

bool refusedAsNoProcess(int64_t ret, bool noReturn) {
  return !noReturn && ret == -ESRCH;
}

KillTarget resolveKillTarget(ProcessResolver& procs, ProcessInstance& caller,
                             const KillCallArgs& args, uint64_t enterNs, bool refused) {
  const uint32_t ns = ProcessResolver::namespaceOf(caller);
  KillTarget out;
  if (ns == 0) {
    out.hostPid = args.targetPid;
    out.hostTid = args.targetTid;
  }
  // The process is named by its pid if the call has one, else by the tid.
  std::optional<uint32_t> key = pidNumber(args.targetPid ? args.targetPid : args.targetTid);
  if (refused || !key) return out;
  std::optional<PidHolder> holder = procs.holderAtNoted(caller, {ns, *key}, enterNs);
  if (!holder) return out;
  out.id = holder->process->id;
  if (ns == 0) return out;
  if (!args.targetPid) {
    out.hostTid = holder->hostNumber;
    return out;
  }
  out.hostPid = holder->process->pid;
  if (std::optional<uint32_t> tid = pidNumber(args.targetTid)) {
    std::optional<PidHolder> thread = procs.holderAtNoted(caller, {ns, *tid}, enterNs);
    if (thread && thread->process == holder->process) out.hostTid = thread->hostNumber;
  }
  return out;
}

}  // namespace sigrec::analyze
