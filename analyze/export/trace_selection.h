// Which process instances a Perfetto export shows (docs/fleet.md,
// "Perfetto"): with --pid P, every instance of P, its ancestry, its
// descendants and every process that signalled it (or tried to); with only
// --signal S, the senders and targets of S; otherwise every instance that
// an event row names, with its ancestry (a box capture's snapshot holds
// hundreds of idle processes that would only bury the incident). Without
// --pid, only those in the command scope (processes.in_scope) unless --all.
#pragma once

#include <cstdint>
#include <optional>
#include <set>

#include "analyze/store/db.h"

namespace sigrec::analyze::exporting {

struct TraceFilter {
  std::optional<uint32_t> pid;
  std::optional<int> signal;
  std::optional<int64_t> sinceWallNs, untilWallNs;
  bool decimate = true;
  // --all: without --pid, a capture of sigrec -- CMD shows every process,
  // not only the command's scope (docs/sigan.md, "Scope").
  bool all = false;
};

// processes.id of the instances to show; throws UserError for a pid that
// is not in the capture.
std::set<int64_t> selectInstances(const Db& db, const TraceFilter& filter);

}  // namespace sigrec::analyze::exporting
