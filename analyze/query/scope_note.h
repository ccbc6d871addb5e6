// What the command scope (docs/sigan.md, "Scope") of the sources is, said
// in words: the note a scoped answer prints on stderr, and `info`'s field.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "analyze/query/context_filter.h"
#include "analyze/store/db.h"

namespace sigrec::analyze {

// "command tree of pid 4242 (5 processes) + 1 signaller" for capture
// CAPTUREID; nullopt if it is not scoped (no command, or its process is
// not named).
std::optional<std::string> captureScopeText(const Db& db, int64_t captureId);

// For a command run with CONTEXT, after it printed its answer: when the
// sources hold a scoped capture, one line "sigan: note: scope: ...; N more
// WHAT with --all" on stderr if the scope hid HIDDEN > 0 rows (always: no
// row is hidden silently), or, with nothing hidden, if stderr is a
// terminal. A capture made with a command whose process it does not name
// (no trailer, an older sigrec) gets a note that its answers cover the
// whole machine.
void noteScope(const Db& db, const ContextFilter& context, int64_t hidden, const std::string& what);

}  // namespace sigrec::analyze
