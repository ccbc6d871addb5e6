#include "analyze/attribution/exit_links.h"

namespace sigrec::analyze {
namespace {

// Each rule with ?1 = the capture's id, in this order (later ones read what
// earlier ones filled).
constexpr const char* kRules[] = {
    // The OOM victim: only a pid is recorded; the instance alive at the kill
    // (the victim is chosen alive, so its exit is not before).
    "UPDATE oom_kills SET victim_id = (SELECT p.id FROM processes p"
    " WHERE p.capture_id = oom_kills.capture_id AND p.pid = oom_kills.victim_pid"
    " AND p.start_ns <= oom_kills.time_ns"
    " AND (p.exit_ns IS NULL OR p.exit_ns >= oom_kills.time_ns) ORDER BY p.start_ns DESC"
    " LIMIT 1) WHERE capture_id = ?1",
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
