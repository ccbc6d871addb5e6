// Which process instances `who-killed --comm NAME --cmdline PATTERN` names.
//
// Rules (docs/sigan.md, "who-killed"):
// - --comm NAME: the instance's comm (its latest, as processes.comm) is
//   NAME, compared after cutting NAME to the 15 bytes the kernel keeps of a
//   comm (TASK_COMM_LEN - 1), so a longer program name still matches;
// - --cmdline PATTERN: a glob over the whole command line (argv joined with
//   spaces) when PATTERN holds one of `*`, `?` or `[` (SQLite's GLOB:
//   case-sensitive, `*` matches spaces too); else PATTERN is a substring of
//   it;
// - both: an instance must match both.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "analyze/query/queries.h"
#include "analyze/store/db.h"

namespace sigrec::analyze {

// processes.id of the instances QUERY names that pass CONTEXT, oldest first.
std::vector<int64_t> matchingInstances(const Db& db, const WhoKilledQuery& query,
                                       const ContextFilter& context);

// "no process with comm 'x' and a command line matching 'y*'", and where
// HIDDEN > 0, that --all would find that many.
std::string noMatchMessage(const WhoKilledQuery& query, int64_t hidden);

}  // namespace sigrec::analyze
