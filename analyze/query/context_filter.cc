#include "analyze/query/context_filter.h"

#include <fmt/format.h>

namespace sigrec::analyze {

// A prefix match by substr, not LIKE: ids and paths may hold '_' and '%'.
std::string ContextFilter::where(const std::string& a, int first) const {
  if (!any()) return "";
  std::string sql;
  if (unit) sql += fmt::format(" AND {}.unit = ?{}", a, first);
  if (container)
    sql += fmt::format(" AND substr({0}.container_id, 1, length(?{1})) = ?{1}", a, first + 1);
  if (cgroup)
    sql += fmt::format(
        " AND ({0}.cgroup = ?{1} OR substr({0}.cgroup, 1, length(?{1}) + 1) = ?{1} || '/' OR "
        "?{1} = '/')",
        a, first + 2);
  if (scope == Scope::kCommand) sql += fmt::format(" AND {}.in_scope = 1", a);
  if (scope == Scope::kOutsideCommand) sql += fmt::format(" AND {}.in_scope = 0", a);
  return sql;
}

void ContextFilter::bind(Statement& stmt, int first) const {
  if (unit) stmt.bind(first, *unit);
  if (container) stmt.bind(first + 1, *container);
  if (cgroup) {
    std::string path = *cgroup;
    while (path.size() > 1 && path.back() == '/') path.pop_back();
    stmt.bind(first + 2, path);
  }
}

}  // namespace sigrec::analyze
