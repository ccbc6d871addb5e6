// The six kill-family syscalls and what each argument is, written once: the
// import reads the signal and the target from it (attribution/kill_target),
// and the answers print the call from it (attribution/kill_call_text).
// Argument order is the syscalls' own (man 2 kill, tgkill,
// pidfd_send_signal, rt_sigqueueinfo).
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace sigrec {

enum class KillArg {
  kPid,         // a process (thread group)
  kPidOrGroup,  // kill's: a process if > 0; 0, -1 and -PGID name groups
  kTid,         // a thread
  kPidfd,       // a pidfd; the process it refers to is not in the arguments
  kSignal,      // 0 is the existence probe
  kInfo,        // a siginfo pointer, required
  kInfoOrNull,  // a siginfo pointer, NULL allowed (pidfd_send_signal)
  kFlags,
};

struct KillSyscall {
  std::string_view name;
  std::array<std::optional<KillArg>, 4> args;  // none past the last argument

  // The index of the first argument of KIND, or none.
  std::optional<int> indexOf(KillArg kind) const {
    for (size_t i = 0; i < args.size(); ++i)
      if (args[i] == kind) return static_cast<int>(i);
    return std::nullopt;
  }
};

// In the capture format's Syscall order (schema/capture.capnp: kill = 1 ...
// rtTgsigqueueinfo = 6): entry N - 1 is syscall N. tests/base checks the
// names against the format's.
inline constexpr std::array<KillSyscall, 6> kKillSyscalls = {{
    {"kill", {KillArg::kPidOrGroup, KillArg::kSignal}},
    {"tkill", {KillArg::kTid, KillArg::kSignal}},
    {"tgkill", {KillArg::kPid, KillArg::kTid, KillArg::kSignal}},
    {"pidfd_send_signal",
     {KillArg::kPidfd, KillArg::kSignal, KillArg::kInfoOrNull, KillArg::kFlags}},
    {"rt_sigqueueinfo", {KillArg::kPid, KillArg::kSignal, KillArg::kInfo}},
    {"rt_tgsigqueueinfo", {KillArg::kPid, KillArg::kTid, KillArg::kSignal, KillArg::kInfo}},
}};

// The entry of syscall number NR in the format's order (1..6), or nullptr.
inline const KillSyscall* killSyscall(unsigned nr) {
  return nr >= 1 && nr <= kKillSyscalls.size() ? &kKillSyscalls[nr - 1] : nullptr;
}
inline const KillSyscall* killSyscall(std::string_view name) {
  for (const KillSyscall& s : kKillSyscalls)
    if (s.name == name) return &s;
  return nullptr;
}

// What a call's first three arguments name: the signal, the process and the
// thread, as passed (in the caller's pid namespace). No process where kill
// names a group (KillArg::kPidOrGroup).
struct KillTargetArgs {
  std::optional<int64_t> signo, pid, tid;
};
KillTargetArgs killTargetArgs(unsigned nr, const std::array<int64_t, 3>& args);

// The arguments of a call to SYSCALL as the program wrote them, as strace
// shows them: "1234, 1240, SIGTERM"; a siginfo pointer is "info" (or
// "NULL"). Empty for a syscall not in the table.
std::string killCallArguments(std::string_view syscall, const std::array<int64_t, 4>& args);

}  // namespace sigrec
