// Links made once every row of a capture is in, whatever order its events
// came in: the OOM victim's instance, the signal that ended each process,
// and deaths that the OOM killer caused.
#pragma once

#include <cstdint>

#include "analyze/db.h"

namespace sigrec::analyze {

// Fills oom_kills.victim_id, exits.signal_id, exits.oom_id and turns
// exits.reason into 'oom' for CAPTUREID.
void linkExitCauses(Db& db, int64_t captureId);

}  // namespace sigrec::analyze
