#include "base/names.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <cstring>
#include <string>

namespace sigrec::names {
namespace {

constexpr int kSigRtMin = 32;
constexpr int kSigRtMax = 64;

// Index = signal number (generic Linux numbering, as on x86 and arm64).
constexpr std::array<const char*, 32> kSignals = {
    nullptr,     "SIGHUP",  "SIGINT",    "SIGQUIT", "SIGILL",   "SIGTRAP", "SIGABRT", "SIGBUS",
    "SIGFPE",    "SIGKILL", "SIGUSR1",   "SIGSEGV", "SIGUSR2",  "SIGPIPE", "SIGALRM", "SIGTERM",
    "SIGSTKFLT", "SIGCHLD", "SIGCONT",   "SIGSTOP", "SIGTSTP",  "SIGTTIN", "SIGTTOU", "SIGURG",
    "SIGXCPU",   "SIGXFSZ", "SIGVTALRM", "SIGPROF", "SIGWINCH", "SIGIO",   "SIGPWR",  "SIGSYS"};

struct CodeName {
  int code;
  const char* name;
};

// Codes the kernel uses for every signal (include/uapi/asm-generic/siginfo.h).
constexpr CodeName kGenericCodes[] = {
    {0, "SI_USER"},      {0x80, "SI_KERNEL"}, {-1, "SI_QUEUE"}, {-2, "SI_TIMER"},
    {-3, "SI_MESGQ"},    {-4, "SI_ASYNCIO"},  {-5, "SI_SIGIO"}, {-6, "SI_TKILL"},
    {-7, "SI_DETHREAD"}, {-60, "SI_ASYNCNL"},
};
constexpr CodeName kIllCodes[] = {{1, "ILL_ILLOPC"}, {2, "ILL_ILLOPN"}, {3, "ILL_ILLADR"},
                                  {4, "ILL_ILLTRP"}, {5, "ILL_PRVOPC"}, {6, "ILL_PRVREG"},
                                  {7, "ILL_COPROC"}, {8, "ILL_BADSTK"}, {9, "ILL_BADIADDR"}};
constexpr CodeName kFpeCodes[] = {{1, "FPE_INTDIV"},   {2, "FPE_INTOVF"}, {3, "FPE_FLTDIV"},
                                  {4, "FPE_FLTOVF"},   {5, "FPE_FLTUND"}, {6, "FPE_FLTRES"},
                                  {7, "FPE_FLTINV"},   {8, "FPE_FLTSUB"}, {14, "FPE_FLTUNK"},
                                  {15, "FPE_CONDTRAP"}};
constexpr CodeName kSegvCodes[] = {{1, "SEGV_MAPERR"},  {2, "SEGV_ACCERR"},  {3, "SEGV_BNDERR"},
                                   {4, "SEGV_PKUERR"},  {5, "SEGV_ACCADI"},  {6, "SEGV_ADIDERR"},
                                   {7, "SEGV_ADIPERR"}, {8, "SEGV_MTEAERR"}, {9, "SEGV_MTESERR"},
                                   {10, "SEGV_CPERR"}};
constexpr CodeName kBusCodes[] = {{1, "BUS_ADRALN"},
                                  {2, "BUS_ADRERR"},
                                  {3, "BUS_OBJERR"},
                                  {4, "BUS_MCEERR_AR"},
                                  {5, "BUS_MCEERR_AO"}};
constexpr CodeName kTrapCodes[] = {{1, "TRAP_BRKPT"},  {2, "TRAP_TRACE"}, {3, "TRAP_BRANCH"},
                                   {4, "TRAP_HWBKPT"}, {5, "TRAP_UNK"},   {6, "TRAP_PERF"}};
constexpr CodeName kChldCodes[] = {{1, "CLD_EXITED"},  {2, "CLD_KILLED"},  {3, "CLD_DUMPED"},
                                   {4, "CLD_TRAPPED"}, {5, "CLD_STOPPED"}, {6, "CLD_CONTINUED"}};
constexpr CodeName kPollCodes[] = {{1, "POLL_IN"},  {2, "POLL_OUT"}, {3, "POLL_MSG"},
                                   {4, "POLL_ERR"}, {5, "POLL_PRI"}, {6, "POLL_HUP"}};
constexpr CodeName kSysCodes[] = {{1, "SYS_SECCOMP"}, {2, "SYS_USER_DISPATCH"}};

template <size_t N>
const char* find(const CodeName (&table)[N], int code) {
  for (const auto& entry : table)
    if (entry.code == code) return entry.name;
  return nullptr;
}

std::string upper(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

std::optional<int> parseInt(std::string_view text) {
  int value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

}  // namespace

std::string signalName(int signo) {
  if (signo > 0 && signo < static_cast<int>(kSignals.size())) return kSignals[signo];
  if (signo == kSigRtMin) return "SIGRTMIN";
  if (signo == kSigRtMax) return "SIGRTMAX";
  if (signo > kSigRtMin && signo < kSigRtMax)
    return "SIGRTMIN+" + std::to_string(signo - kSigRtMin);
  return "SIG" + std::to_string(signo);
}

std::optional<int> parseSignal(std::string_view text) {
  if (text.empty()) return std::nullopt;
  if (auto number = parseInt(text)) {
    if (*number >= 0 && *number <= kSigRtMax) return number;
    return std::nullopt;
  }
  std::string name = upper(text);
  if (name.rfind("SIG", 0) != 0) name = "SIG" + name;
  for (int signo = 1; signo <= kSigRtMax; ++signo)
    if (signalName(signo) == name) return signo;
  // Common aliases.
  if (name == "SIGIOT") return 6;
  if (name == "SIGPOLL") return 29;
  if (name == "SIGCLD") return 17;
  return std::nullopt;
}

std::string siCodeName(int signo, int code) {
  // Positive codes below SI_KERNEL are per signal; the rest are generic.
  if (code > 0 && code < 0x80) {
    const char* name = nullptr;
    switch (signo) {
      case 4:
        name = find(kIllCodes, code);
        break;
      case 5:
        name = find(kTrapCodes, code);
        break;
      case 7:
        name = find(kBusCodes, code);
        break;
      case 8:
        name = find(kFpeCodes, code);
        break;
      case 11:
        name = find(kSegvCodes, code);
        break;
      case 17:
        name = find(kChldCodes, code);
        break;
      case 29:
        name = find(kPollCodes, code);
        break;
      case 31:
        name = find(kSysCodes, code);
        break;
      default:
        break;
    }
    if (name) return name;
    return std::to_string(code);
  }
  if (const char* name = find(kGenericCodes, code)) return name;
  return std::to_string(code);
}

std::string errnoName(int err) {
  // strerrorname_np (glibc >= 2.32) knows every Linux errno; Linux errno values
  // are the same on every architecture sigrec runs on.
  if (err > 0) {
    if (const char* name = strerrorname_np(err)) return name;
  }
  return "E" + std::to_string(err);
}

ExitStatus decodeExitCode(int raw) {
  ExitStatus out;
  if ((raw & 0x7f) == 0) {
    out.status = (raw >> 8) & 0xff;
  } else {
    out.signaled = true;
    out.signal = raw & 0x7f;
    out.coreDumped = (raw & 0x80) != 0;
  }
  return out;
}

std::string describeExit(const ExitStatus& status) {
  if (!status.signaled) return "exit " + std::to_string(status.status);
  std::string text = signalName(status.signal);
  if (status.coreDumped) text += " (core dumped)";
  return text;
}

}  // namespace sigrec::names
