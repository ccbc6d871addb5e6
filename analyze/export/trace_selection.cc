#include "analyze/export/trace_selection.h"

#include <fmt/format.h>

#include <vector>

#include "analyze/cli/errors.h"

namespace sigrec::analyze::exporting {
namespace {

std::vector<int64_t> ids(const Db& db, const char* sql, std::optional<int64_t> param) {
  auto stmt = db.prepare(sql);
  if (param) stmt.bind(1, *param);
  std::vector<int64_t> out;
  while (stmt.step())
    if (!stmt.isNull(0)) out.push_back(stmt.getInt(0));
  return out;
}

// Adds the parents of every instance in SET, up to the first unknown one.
void addAncestry(const Db& db, std::set<int64_t>& set) {
  auto parent = db.prepare("SELECT parent_id FROM processes WHERE id = ?");
  std::vector<int64_t> todo(set.begin(), set.end());
  while (!todo.empty()) {
    int64_t id = todo.back();
    todo.pop_back();
    parent.bind(1, id);
    if (parent.step() && !parent.isNull(0) && set.insert(parent.getInt(0)).second)
      todo.push_back(parent.getInt(0));
    parent.reset();
  }
}

// Adds the children of every instance in SET, recursively. The set guards
// against parent loops a hostile capture could build.
void addDescendants(const Db& db, std::set<int64_t>& set) {
  auto children = db.prepare("SELECT id FROM processes WHERE parent_id = ?");
  std::vector<int64_t> todo(set.begin(), set.end());
  while (!todo.empty()) {
    int64_t id = todo.back();
    todo.pop_back();
    children.bind(1, id);
    while (children.step())
      if (set.insert(children.getInt(0)).second) todo.push_back(children.getInt(0));
    children.reset();
  }
}

std::set<int64_t> aroundPid(const Db& db, uint32_t pid) {
  auto instances = ids(db, "SELECT id FROM processes WHERE pid = ?", pid);
  if (instances.empty()) throw UserError(fmt::format("pid {} does not appear in the capture", pid));
  std::set<int64_t> around(instances.begin(), instances.end());
  addDescendants(db, around);
  for (int64_t id : instances) {
    for (int64_t s :
         ids(db, "SELECT sender_id FROM signals WHERE target_id = ? AND origin <> 'kernel'", id))
      around.insert(s);
    for (int64_t c : ids(db, "SELECT caller_id FROM kill_calls WHERE target_id = ?", id))
      around.insert(c);
  }
  return around;
}

}  // namespace

std::set<int64_t> selectInstances(const Db& db, const TraceFilter& filter) {
  std::set<int64_t> shown;
  if (filter.pid) {
    shown = aroundPid(db, *filter.pid);
  } else if (filter.signal) {
    for (const char* sql : {"SELECT target_id FROM signals WHERE signo = ?",
                            "SELECT sender_id FROM signals WHERE signo = ? AND origin <> 'kernel'",
                            "SELECT caller_id FROM kill_calls WHERE signo = ?"})
      for (int64_t id : ids(db, sql, *filter.signal)) shown.insert(id);
  } else {
    // The instances an event row names (a kernel signal's acting task is
    // only context: any task a timer interrupted).
    for (int64_t id : ids(db,
                          "SELECT parent_id FROM forks UNION SELECT child_id FROM forks"
                          " UNION SELECT process_id FROM execs UNION SELECT process_id FROM exits"
                          " UNION SELECT target_id FROM signals"
                          " UNION SELECT sender_id FROM signals WHERE origin <> 'kernel'"
                          " UNION SELECT caller_id FROM kill_calls UNION SELECT target_id FROM "
                          "kill_calls UNION SELECT process_id FROM deliveries"
                          " UNION SELECT process_id FROM thread_exits"
                          " UNION SELECT victim_id FROM oom_kills",
                          std::nullopt))
      shown.insert(id);
  }
  if (!filter.pid && !filter.all)
    for (int64_t id : ids(db, "SELECT id FROM processes WHERE in_scope = 0", std::nullopt))
      shown.erase(id);
  addAncestry(db, shown);
  return shown;
}

}  // namespace sigrec::analyze::exporting
