// --unit, --container and --cgroup of the query commands: which process
// instances they keep, as an SQL condition on a processes row.
#pragma once

#include <optional>
#include <string>

#include "analyze/store/db.h"

namespace sigrec::analyze {

struct ContextFilter {
  std::optional<std::string> unit;       // exactly this unit
  std::optional<std::string> container;  // a container id, or a prefix of one (docker ps shows 12)
  std::optional<std::string> cgroup;     // this cgroup path or one below it

  bool any() const { return unit || container || cgroup; }
  // " AND ..." on processes row ALIAS, with parameters ?FIRST.. (3 of them);
  // "" when no filter is set.
  std::string where(const std::string& alias, int first) const;
  void bind(Statement& stmt, int first) const;
};

}  // namespace sigrec::analyze
