// Which instance of a pid was alive at a moment.
//
// Rule: an instance is alive at T from its start (exact, or /proc's
// tick-rounded one) through its exit, both included; of several alive (a
// start known only to a tick can overlap the next holder's), the one that
// started last. It answers for records that name a process by pid alone and
// at a moment it lived: the OOM killer's victim (chosen alive), a parent in
// the /proc snapshot. Kill-family calls are another question (a zombie
// still holds its pid: ProcessResolver::holderAt).
#pragma once

#include <cstdint>

#include "analyze/store/db.h"
#include "analyze/import/process_resolver.h"

namespace sigrec::analyze {

inline bool aliveAt(const ProcessInstance& p, uint64_t timeNs) {
  return p.startNs <= timeNs && (!p.exitNs || *p.exitNs >= timeNs);
}

// Fills oom_kills.victim_id of CAPTUREID by the rule above, from the
// instances PROCS resolved during the import.
void linkOomVictims(Db& db, ProcessResolver& procs, int64_t captureId);

}  // namespace sigrec::analyze
