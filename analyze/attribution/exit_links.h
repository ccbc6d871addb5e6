// Links made once every row of a capture is in, whatever order its events
// came in: the signal that ended each process, and deaths that the OOM
// killer caused.
#pragma once

#include <cstdint>

#include "analyze/store/db.h"

namespace sigrec::analyze {

// Fills exits.signal_id, exits.oom_id and turns exits.reason into 'oom' for
// CAPTUREID; oom_kills.victim_id must be filled (linkOomVictims).
void linkExitCauses(Db& db, int64_t captureId);

}  // namespace sigrec::analyze
