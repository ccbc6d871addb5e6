#include "analyze/query/who_killed_match.h"

#include <fmt/format.h>

#include "base/visible_text.h"

namespace sigrec::analyze {
namespace {

constexpr size_t kCommBytes = 15;  // TASK_COMM_LEN - 1

bool isGlob(const std::string& pattern) {
  return pattern.find_first_of("*?[") != std::string::npos;
}

}  // namespace

std::vector<int64_t> matchingInstances(const Db& db, const WhoKilledQuery& query,
                                       const ContextFilter& context) {
  std::string sql = "SELECT p.id FROM processes p WHERE 1";
  if (query.comm) sql += " AND p.comm = ?1";
  if (query.cmdline)
    sql += isGlob(*query.cmdline) ? " AND p.cmdline GLOB ?2" : " AND instr(p.cmdline, ?2) > 0";
  sql += context.where("p", 3) + " ORDER BY p.capture_id, p.start_ns, p.id";
  auto stmt = db.prepare(sql);
  if (query.comm) stmt.bind(1, std::string_view(*query.comm).substr(0, kCommBytes));
  if (query.cmdline) stmt.bind(2, *query.cmdline);
  context.bind(stmt, 3);
  std::vector<int64_t> ids;
  while (stmt.step()) ids.push_back(stmt.getInt(0));
  return ids;
}

std::string noMatchMessage(const WhoKilledQuery& query, int64_t hidden) {
  std::string what;
  if (query.comm) what = fmt::format("comm '{}'", names::visibleText(*query.comm));
  if (query.cmdline)
    what += fmt::format("{}a command line {} '{}'", what.empty() ? "" : " and ",
                        isGlob(*query.cmdline) ? "matching" : "containing",
                        names::visibleText(*query.cmdline));
  std::string text = "no process with " + what + " in the sources";
  if (query.context.unit || query.context.container || query.context.cgroup)
    text += " in that unit, container or cgroup";
  if (hidden > 0) text += fmt::format(" within the command's scope ({} outside it: --all)", hidden);
  return text;
}

}  // namespace sigrec::analyze
