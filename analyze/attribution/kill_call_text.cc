#include "analyze/attribution/kill_call_text.h"

#include <fmt/format.h>

#include "analyze/query/display_text.h"
#include "base/names.h"

namespace sigrec::analyze {
namespace {

// A signal argument as written: its name, or the number when it names no
// signal (0, the existence probe; or an invalid one the kernel refused),
// as strace and sigrec --print show it.
std::string signalArg(int64_t signo) {
  return signo > 0 && signo <= 64 ? names::signalName(static_cast<int>(signo))
                                  : std::to_string(signo);
}

std::string arguments(const KillCallView& c) {
  const std::string& s = c.syscall;
  if (s == "kill" || s == "tkill") return fmt::format("{}, {}", c.arg0, signalArg(c.arg1));
  if (s == "tgkill") return fmt::format("{}, {}, {}", c.arg0, c.arg1, signalArg(c.arg2));
  if (s == "pidfd_send_signal")
    return fmt::format("{}, {}, {}, {}", c.arg0, signalArg(c.arg1), c.arg2 ? "info" : "NULL",
                       c.arg3);
  if (s == "rt_sigqueueinfo") return fmt::format("{}, {}, info", c.arg0, signalArg(c.arg1));
  if (s == "rt_tgsigqueueinfo")
    return fmt::format("{}, {}, {}, info", c.arg0, c.arg1, signalArg(c.arg2));
  return {};
}

}  // namespace

KillCallView killCallView(const Statement& stmt) {
  return {stmt.getText("syscall"),    stmt.getInt("arg0"),
          stmt.getInt("arg1"),        stmt.getInt("arg2"),
          stmt.getInt("arg3"),        stmt.getOptInt("ret"),
          stmt.getText("errno_name"), stmt.isNull("returned") || stmt.getInt("returned") != 0};
}

std::string killCallText(const KillCallView& call) {
  std::string text = fmt::format("{}({})", call.syscall, arguments(call));
  if (!call.returned) return text + kNoReturnText;
  if (!call.ret) return text + kReturnUnseenText;
  if (*call.ret < 0) return fmt::format("{} = -1 {}", text, call.errnoName);
  return fmt::format("{} = {}", text, *call.ret);
}

}  // namespace sigrec::analyze
