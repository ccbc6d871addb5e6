// --unit, --container, --cgroup and the command scope (--all) of the query
// commands: which process instances they keep, as an SQL condition on a
// processes row.
#pragma once

#include <optional>
#include <string>

#include "analyze/store/db.h"

namespace sigrec::analyze {

// Which processes of a `sigrec -- CMD` capture: its command scope (the
// default of the query commands, processes.in_scope), everything (--all),
// or, to count what the scope hid, only what it leaves out.
enum class Scope { kAll, kCommand, kOutsideCommand };

struct ContextFilter {
  std::optional<std::string> unit;       // exactly this unit
  std::optional<std::string> container;  // a container id, or a prefix of one (docker ps shows 12)
  std::optional<std::string> cgroup;     // this cgroup path or one below it
  Scope scope = Scope::kAll;

  bool any() const { return unit || container || cgroup || scope != Scope::kAll; }
  // The same filter for the rows the command scope hides.
  ContextFilter outsideScope() const {
    ContextFilter outside = *this;
    outside.scope = Scope::kOutsideCommand;
    return outside;
  }
  // " AND ..." on processes row ALIAS, with parameters ?FIRST.. (3 of them);
  // "" when no filter is set.
  std::string where(const std::string& alias, int first) const;
  void bind(Statement& stmt, int first) const;
};

}  // namespace sigrec::analyze
