#include "analyze/attribution/exit_links.h"

namespace sigrec::analyze {
namespace {

// Each rule with ?1 = the capture's id, in this order (later ones read what
// earlier ones filled), after oom_kills.victim_id (linkOomVictims).
constexpr const char* kRules[] = {
    // Cause of a death by signal N: the latest generation of N for that
    // process before the exit; one that was delivered beats one that found
    // the signal already pending.
    "UPDATE exits SET signal_id = (SELECT s.id FROM signals s"
    " WHERE s.target_id = exits.process_id AND s.signo = exits.signo"
    " AND s.time_ns <= exits.time_ns ORDER BY (s.result = 0) DESC, s.time_ns DESC LIMIT 1)"
    " WHERE capture_id = ?1 AND reason = 'signal'",
    // A death by SIGKILL after the OOM killer chose the process is its doing.
    "UPDATE exits SET oom_id = (SELECT o.id FROM oom_kills o WHERE o.victim_id = exits.process_id"
    " AND o.time_ns <= exits.time_ns ORDER BY o.time_ns DESC LIMIT 1)"
    " WHERE capture_id = ?1 AND signo = 9",
    "UPDATE exits SET reason = 'oom' WHERE capture_id = ?1 AND oom_id IS NOT NULL",
};

}  // namespace

void linkExitCauses(Db& db, int64_t captureId) {
  for (const char* sql : kRules) db.prepare(sql).bind(1, captureId).run();
}

}  // namespace sigrec::analyze
