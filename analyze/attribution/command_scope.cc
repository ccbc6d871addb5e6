#include "analyze/attribution/command_scope.h"

namespace sigrec::analyze {
namespace {

// The root: ?1 = the capture's id.
constexpr const char* kRootSql =
    "SELECT p.id FROM processes p JOIN captures c ON c.id = p.capture_id"
    " WHERE c.id = ?1 AND p.pid = c.command_pid"
    " AND p.start_ns - p.start_ns % (1000000000 / COALESCE(NULLIF(c.clock_ticks_per_second, 0),"
    " 100)) = c.command_start_ns ORDER BY p.start_exact DESC, p.start_ns, p.id LIMIT 1";

// In this order, with ?1 = the capture's id and, where ROOT says so, ?2 =
// the root's id. UNION (not UNION ALL) ends the recursion even if a damaged
// capture made the parent links a cycle.
struct Rule {
  const char* sql;
  bool root;
};
constexpr Rule kRules[] = {
    {"UPDATE captures SET command_id = ?2 WHERE id = ?1", true},
    {"WITH RECURSIVE tree(id) AS (SELECT ?2 UNION SELECT p.id FROM processes p JOIN tree"
     " ON p.parent_id = tree.id)"
     " UPDATE processes SET scope = CASE WHEN id = ?2 THEN 'command' ELSE 'tree' END"
     " WHERE capture_id = ?1 AND id IN tree",
     true},
    {"UPDATE processes SET scope = 'signaller' WHERE capture_id = ?1 AND scope IS NULL AND id IN ("
     // Senders (signals_target serves the lookup by target instance).
     " SELECT s.sender_id FROM signals s WHERE s.origin <> 'kernel' AND s.target_id IN"
     "  (SELECT id FROM processes WHERE capture_id = ?1 AND scope IS NOT NULL)"
     // Callers of calls aimed at the tree, whatever they achieved.
     " UNION SELECT k.caller_id FROM kill_calls k WHERE k.capture_id = ?1 AND k.target_id IN"
     "  (SELECT id FROM processes WHERE capture_id = ?1 AND scope IS NOT NULL)"
     // The process responsible for a signal to the tree: the instance of
     // cause_pid alive then, the latest started (alive_at.h).
     " UNION SELECT (SELECT q.id FROM processes q WHERE q.capture_id = ?1 AND q.pid = s.cause_pid"
     "  AND q.start_ns <= s.time_ns AND (q.exit_ns IS NULL OR q.exit_ns >= s.time_ns)"
     "  ORDER BY q.start_ns DESC LIMIT 1) FROM signals s WHERE s.cause_pid IS NOT NULL"
     "  AND s.target_id IN (SELECT id FROM processes WHERE capture_id = ?1"
     "  AND scope IN ('command', 'tree')))",
     false},
};

// Last, for every capture: without a root, every process is in scope.
constexpr const char* kInScopeSql =
    "UPDATE processes SET in_scope = (scope IS NOT NULL"
    " OR (SELECT command_id FROM captures WHERE id = ?1) IS NULL) WHERE capture_id = ?1";

}  // namespace

void markCommandScope(Db& db, int64_t captureId) {
  auto root = db.prepare(kRootSql);
  root.bind(1, captureId);
  if (root.step()) {
    const int64_t rootId = root.getInt(0);
    for (const Rule& rule : kRules) {
      auto stmt = db.prepare(rule.sql);
      stmt.bind(1, captureId);
      if (rule.root) stmt.bind(2, rootId);
      stmt.run();
    }
  }
  db.prepare(kInScopeSql).bind(1, captureId).run();
}

}  // namespace sigrec::analyze
