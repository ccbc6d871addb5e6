// Human names for the numbers a capture holds: signals, si_codes, errno
// values and raw exit codes. Captures come from Linux (generic/x86 signal
// numbering), whatever machine reads them, so the tables are ours rather than
// the host libc's.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace sigrec::names {

// "SIGTERM"; real-time signals as the kernel numbers them: 32 is "SIGRTMIN",
// 33..63 "SIGRTMIN+N", 64 "SIGRTMAX"; anything else "SIG<n>".
std::string signalName(int signo);

// Accepts "SIGTERM", "TERM", "sigterm", "15", "SIGRTMIN+2". Nullopt if unknown.
std::optional<int> parseSignal(std::string_view text);

// si_code name for a signal: "SI_USER", "SEGV_MAPERR", "CLD_EXITED", ...;
// the number as text when unknown.
std::string siCodeName(int signo, int code);

// errno name for a positive errno value ("EPERM"), or "E<n>" when unknown.
std::string errnoName(int err);

// The kernel's task->exit_code, decoded as wait(2) would.
struct ExitStatus {
  bool signaled = false;  // killed by a signal (else exited normally)
  int status = 0;         // exit status when !signaled
  int signal = 0;         // fatal signal when signaled
  bool coreDumped = false;
};
ExitStatus decodeExitCode(int raw);

// "exit 3", "SIGSEGV (core dumped)".
std::string describeExit(const ExitStatus& status);

}  // namespace sigrec::names
