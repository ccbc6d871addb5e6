#include "analyze/attribution/kill_call_text.h"

#include <fmt/format.h>

#include "analyze/query/display_text.h"
#include "base/kill_syscalls.h"

namespace sigrec::analyze {

KillCallView killCallView(const Statement& stmt) {
  return {stmt.getText("syscall"),    stmt.getInt("arg0"),
          stmt.getInt("arg1"),        stmt.getInt("arg2"),
          stmt.getInt("arg3"),        stmt.getOptInt("ret"),
          stmt.getText("errno_name"), stmt.isNull("returned") || stmt.getInt("returned") != 0};
}

std::string killCallText(const KillCallView& call) {
  std::string text =
      fmt::format("{}({})", call.syscall,
                  killCallArguments(call.syscall, {call.arg0, call.arg1, call.arg2, call.arg3}));
  if (!call.returned) return text + kNoReturnText;
  if (!call.ret) return text + kReturnUnseenText;
  if (*call.ret < 0) return fmt::format("{} = -1 {}", text, call.errnoName);
  return fmt::format("{} = {}", text, *call.ret);
}

}  // namespace sigrec::analyze
