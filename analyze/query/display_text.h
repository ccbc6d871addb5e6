// Words the answers use for facts that are stored as flags, in one place:
// the C++ commands use the constants, SQL text built at compile time the
// macros.
#pragma once

#include <string>

// Appended to a command line that the recorder cut (argv longer than it
// reads: processes.cmdline_truncated, execs.args_truncated).
#define SIGAN_TRUNCATED_MARK " [truncated]"
// Replaces " = RET" of a kill-family call whose caller died inside it
// (kill_calls.returned = 0): RET is then no answer of the kernel.
#define SIGAN_NO_RETURN_TEXT " \u2014 did not return: the caller died in the call"

// Replaces " = RET" of a call recorded without syscall hooks (sigrec
// --no-syscall-hooks, kill_calls.ret NULL): it was seen only through its
// signal.
#define SIGAN_RETURN_UNSEEN_TEXT " \u2014 return not recorded (no syscall hooks)"

namespace sigrec::analyze {

inline constexpr const char* kTruncatedMark = SIGAN_TRUNCATED_MARK;
inline constexpr const char* kNoReturnText = SIGAN_NO_RETURN_TEXT;
inline constexpr const char* kReturnUnseenText = SIGAN_RETURN_UNSEEN_TEXT;

inline std::string shownCmdline(std::string cmdline, bool truncated) {
  if (truncated) cmdline += kTruncatedMark;
  return cmdline;
}

}  // namespace sigrec::analyze
