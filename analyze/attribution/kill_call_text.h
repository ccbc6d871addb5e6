// How a kill-family call is shown, by who-killed and by the timeline alike:
// as the program wrote it ("tgkill(1234, 1240, SIGTERM)"), then what the
// kernel answered ("= -1 EPERM") or, for a call whose caller died inside it,
// that there was no answer (kill_calls.returned = 0: its ret is only what
// the recorder saw, not the kernel's reply), or that the answer was not
// seen (ret NULL: recorded without syscall hooks, docs/kernels.md).
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "analyze/store/db.h"

namespace sigrec::analyze {

struct KillCallView {
  std::string syscall;
  int64_t arg0 = 0, arg1 = 0, arg2 = 0, arg3 = 0;
  std::optional<int64_t> ret;  // none: not seen
  std::string errnoName;
  bool returned = true;
};

// The kill_calls columns of the current row of STMT, under their own names
// (syscall, arg0..arg3, ret, errno_name, returned). returned is NULL in rows
// of schema version 1: they read as returned.
KillCallView killCallView(const Statement& stmt);

std::string killCallText(const KillCallView& call);

}  // namespace sigrec::analyze
