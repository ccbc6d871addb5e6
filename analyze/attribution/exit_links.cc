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
    // A group exit's SIGKILLs (deliveries.cause, set at import) belong to
    // the fatal signal of the death they are part of: one generated before
    // them for a process that died after them. A group exit with no fatal
    // signal (another thread's exit_group or exec) keeps none.
    "UPDATE deliveries SET signal_id = (SELECT e.signal_id FROM exits e JOIN signals s"
    " ON s.id = e.signal_id WHERE e.process_id = deliveries.process_id"
    " AND s.time_ns <= deliveries.time_ns AND e.time_ns >= deliveries.time_ns)"
    " WHERE capture_id = ?1 AND cause = '" SIGAN_GROUP_EXIT_CAUSE "' AND signal_id IS NULL",
    // A fatal signal the kernel turned into a group exit is never dequeued
    // (get_signal takes SIGKILL first): its first group-exit SIGKILL is its
    // delivery, with the default action it took.
    "UPDATE signals SET delivery_id = d.id, delivered_ns = d.time_ns, disposition = d.disposition"
    " FROM (SELECT signal_id, MIN(time_ns) AS time_ns, id, disposition FROM deliveries"
    "  WHERE capture_id = ?1 AND cause = '" SIGAN_GROUP_EXIT_CAUSE
    "' AND signal_id IS NOT NULL"
    "  GROUP BY signal_id) d"
    " WHERE signals.id = d.signal_id AND signals.delivery_id IS NULL",
};

}  // namespace

void linkExitCauses(Db& db, int64_t captureId) {
  for (const char* sql : kRules) db.prepare(sql).bind(1, captureId).run();
}

}  // namespace sigrec::analyze
