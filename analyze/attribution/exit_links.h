// Links made once every row of a capture is in, whatever order its events
// came in: the signal that ended each process, and deaths that the OOM
// killer caused.
#pragma once

#include <cstdint>

#include "analyze/store/db.h"

namespace sigrec::analyze {

// deliveries.cause of the SIGKILLs the kernel delivers to every thread of a
// dying process (get_signal on SIGNAL_GROUP_EXIT) without generating them.
#define SIGAN_GROUP_EXIT_CAUSE "group_exit"
inline constexpr const char* kGroupExitCause = SIGAN_GROUP_EXIT_CAUSE;

// Fills exits.signal_id, exits.oom_id and turns exits.reason into 'oom' for
// CAPTUREID; links group exits' SIGKILLs to the fatal signal, which they
// deliver; oom_kills.victim_id must be filled (linkOomVictims).
void linkExitCauses(Db& db, int64_t captureId);

}  // namespace sigrec::analyze
