// The default scope of the answers about a capture made with `sigrec --
// CMD`: the command's process tree and every process that signalled into
// it (docs/sigan.md, "Scope"). Decided once at import, into
// processes.scope / in_scope, so that the commands and SQL read one column.
#pragma once

#include <cstdint>

#include "analyze/store/db.h"

namespace sigrec::analyze {

// Fills captures.command_id and processes.scope and in_scope of CAPTUREID.
// Rules:
// - the root is the instance of the trailer's command pid whose start, at
//   /proc's tick resolution, is the trailer's (a pid may be reused: never
//   by pid alone);
// - the tree is the root and every instance forked below it (parent_id);
// - a signaller is an instance outside the tree that sent a signal to a
//   tree instance (a kill-family origin: for a kernel signal the acting task
//   is only context), called a kill-family syscall aimed at one (failed
//   calls and kill(pid, 0) probes included), or is the cause_pid of a
//   signal to one (the instance that held that pid then);
// - a capture with no command, or whose root is not found, is not scoped:
//   every instance has in_scope = 1.
// Runs after the signals' causes and the kill calls' targets are linked.
void markCommandScope(Db& db, int64_t captureId);

}  // namespace sigrec::analyze
