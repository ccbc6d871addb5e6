// sigan's exit statuses, the same for every command. docs/sigan.md ("Exit
// status") shows this table; tests/analyze/cli/cli_test.cc fails when the two
// differ.
#pragma once

#include <array>

namespace sigrec::analyze {

enum class ExitStatus : int {
  kOk = 0,
  kError = 1,  // UserError, a capture or database error, anything unexpected
  kUsage = 2,  // UsageError, an option the command does not take
};

struct ExitStatusMeaning {
  ExitStatus status;
  const char* meaning;
};

inline constexpr std::array kExitStatuses = {
    ExitStatusMeaning{ExitStatus::kOk, "the answer was printed (possibly with notes on stderr)"},
    ExitStatusMeaning{ExitStatus::kError,
                      "the sources cannot answer: missing, unreadable or truncated file, not a "
                      "capture, unknown pid, no instance at --start-time, no process matching "
                      "--comm/--cmdline, bad SQL"},
    ExitStatusMeaning{ExitStatus::kUsage,
                      "the command line is wrong: unknown command or option, malformed pid, "
                      "time, duration or signal"},
};

inline constexpr int exitCode(ExitStatus status) {
  return static_cast<int>(status);
}

}  // namespace sigrec::analyze
