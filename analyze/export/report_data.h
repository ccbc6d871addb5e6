// What `sigan report` shows, gathered from the query commands' own JSON
// answers (who-killed, tree, info), so the report says exactly what they say.
#pragma once

#include <cstdint>
#include <optional>

#include "analyze/store/db.h"
#include "analyze/query/output.h"

namespace sigrec::analyze::exporting {

// A report stays small (well under 1 MiB) whatever the capture: past
// kMaxRows signals or tree entries it shows the first and last halves, the
// fatal signal always, and says how many it left out.
inline constexpr size_t kMaxRows = 200;

struct ReportData {
  uint32_t pid = 0;
  std::vector<Row> whoKilled;  // sigan who-killed PID --format json
  std::vector<Row> tree;       // sigan tree PID --format json
  std::vector<Row> captures;   // sigan info --format json
  size_t signalsLeftOut = 0, treeLeftOut = 0;
};

// PID unset: the first process killed by a sender (else by the kernel);
// UserError when nothing was killed.
ReportData gatherReport(const Db& db, std::optional<uint32_t> pid);

}  // namespace sigrec::analyze::exporting
