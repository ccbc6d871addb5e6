// tree PID: the ancestry of each instance of PID, then its descendants (those
// in the command scope, unless --all).
#include <fmt/format.h>

#include <algorithm>
#include <ostream>
#include <set>

#include "analyze/cli/errors.h"
#include "analyze/query/process_info.h"
#include "analyze/query/queries.h"
#include "base/time_format.h"
#include "base/names.h"
#include "analyze/query/scope_note.h"

namespace sigrec::analyze {
namespace {

std::string endText(const Db& db, int64_t id) {
  auto stmt = db.prepare(
      "SELECT reason, exit_status, signal_name, core_dumped FROM exits WHERE process_id = ?");
  stmt.bind(1, id);
  if (!stmt.step()) return "";
  if (stmt.getText("reason") == "exit") return fmt::format("exit {}", stmt.getInt("exit_status"));
  return stmt.getText("signal_name") + (stmt.getInt("core_dumped") ? " core" : "") +
         (stmt.getText("reason") == "oom" ? " (oom)" : "");
}

Row node(const Db& db, const ProcessInfo& p, const char* relation, int depth) {
  Row row;
  row["pid"] = p.pid;
  row["ppid"] = p.ppid ? Row(*p.ppid) : Row();
  row["comm"] = p.comm;
  row["cmdline"] = p.cmdline;
  row["start_time"] = startText(p);
  row["exit_time"] = p.exitWallNs ? Row(formatTime(*p.exitWallNs)) : Row();
  std::string end = endText(db, p.id);
  row["end"] = end.empty() ? Row() : Row(end);
  row["relation"] = relation;
  row["depth"] = depth;
  row["hostname"] = p.hostname;
  return row;
}

// Depth first with an explicit stack: a hostile or huge capture may hold
// fork chains deeper than the call stack.
// Every descendant is walked, and those outside SCOPE are counted in HIDDEN
// instead of shown (a signaller's children need not be in the scope, their
// own children may be).
void descendants(const Db& db, int64_t root, int depth, const ContextFilter& scope,
                 std::vector<Row>& rows, int64_t& hidden) {
  auto children = db.prepare(
      "SELECT id, in_scope FROM processes WHERE parent_id = ?"
      " ORDER BY start_ns, id");
  std::set<int64_t> shown;
  std::set<int64_t> visited{root};
  std::vector<std::pair<int64_t, int>> stack{{root, depth}};
  while (!stack.empty()) {
    auto [id, level] = stack.back();
    stack.pop_back();
    if (id != root) {
      if (!shown.count(id))
        ++hidden;
      else if (auto p = loadProcess(db, id))
        rows.push_back(node(db, *p, "descendant", level));
    }
    children.bind(1, id);
    std::vector<int64_t> found;
    while (children.step()) {
      found.push_back(children.getInt("id"));
      if (scope.scope != Scope::kCommand || children.getInt("in_scope") != 0)
        shown.insert(found.back());
    }
    children.reset();
    // Reversed so the oldest child is visited first.
    std::reverse(found.begin(), found.end());
    for (int64_t child : found)
      if (visited.insert(child).second) stack.emplace_back(child, level + 1);
  }
}

}  // namespace

int cmdTree(const Db& db, uint32_t pid, const std::optional<std::string>& start, Format format,
            std::ostream& out, const ContextFilter& scope) {
  auto instances = instancesOfPid(db, pid, start);
  if (instances.empty()) throw UserError(unknownPidMessage(pid));
  std::vector<Row> rows;
  int64_t hidden = 0;
  for (const ProcessInfo& self : instances) {
    auto chain = ancestors(db, self.id);
    int depth = 0;
    std::reverse(chain.begin(), chain.end());
    for (const auto& ancestor : chain) rows.push_back(node(db, ancestor, "ancestor", depth++));
    rows.push_back(node(db, self, "self", depth));
    descendants(db, self.id, depth, scope, rows, hidden);
  }
  auto process = [](const Row& r) {
    std::string indent(2 * r["depth"].get<size_t>(), ' ');
    return fmt::format("{}{}{} {}", indent, r["relation"] == "self" ? "* " : "",
                       r["pid"].get<int64_t>(), r["comm"].get<std::string>());
  };
  std::vector<Column> columns = {
      {"pid", "PROCESS", process, 40},
      {"start_time", "STARTED", {}, 0, {}, true},
      {"end", "ENDED"},
      {"cmdline", "CMDLINE"},
      {"ppid", ""},
      {"comm", ""},
      {"exit_time", ""},
      {"relation", ""},
      {"depth", ""},
      {"hostname", ""},
  };
  writeRows(out, format, columns, rows);
  noteScope(db, scope, hidden, "descendants");
  return 0;
}

}  // namespace sigrec::analyze
