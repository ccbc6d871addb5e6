#include "base/kill_syscalls.h"

#include "base/names.h"

namespace sigrec {
namespace {

// A signal argument as written: its name, or the number when it names no
// signal (0, the existence probe; or an invalid one the kernel refused).
std::string signalArg(int64_t signo) {
  return signo > 0 && signo <= 64 ? names::signalName(static_cast<int>(signo))
                                  : std::to_string(signo);
}

std::string argumentText(KillArg kind, int64_t value) {
  switch (kind) {
    case KillArg::kSignal:
      return signalArg(value);
    case KillArg::kInfo:
      return "info";
    case KillArg::kInfoOrNull:
      return value != 0 ? "info" : "NULL";
    case KillArg::kPid:
    case KillArg::kPidOrGroup:
    case KillArg::kTid:
    case KillArg::kPidfd:
    case KillArg::kFlags:
      break;
  }
  return std::to_string(value);
}

}  // namespace

KillTargetArgs killTargetArgs(unsigned nr, const std::array<int64_t, 3>& args) {
  const KillSyscall* syscall = killSyscall(nr);
  if (!syscall) return {};
  auto argument = [&](KillArg kind) -> std::optional<int64_t> {
    std::optional<int> i = syscall->indexOf(kind);
    if (!i || *i >= static_cast<int>(args.size())) return std::nullopt;
    return args[static_cast<size_t>(*i)];
  };
  std::optional<int64_t> pid = argument(KillArg::kPid);
  if (std::optional<int64_t> either = argument(KillArg::kPidOrGroup); either && *either > 0)
    pid = either;
  return {argument(KillArg::kSignal), pid, argument(KillArg::kTid)};
}

std::string killCallArguments(std::string_view syscall, const std::array<int64_t, 4>& args) {
  const KillSyscall* entry = killSyscall(syscall);
  if (!entry) return {};
  std::string out;
  for (size_t i = 0; i < entry->args.size() && entry->args[i]; ++i) {
    if (i > 0) out += ", ";
    out += argumentText(*entry->args[i], args[i]);
  }
  return out;
}

}  // namespace sigrec
