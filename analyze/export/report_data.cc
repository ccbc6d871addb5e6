#include "analyze/export/report_data.h"

#include <sstream>

#include "analyze/cli/errors.h"
#include "analyze/query/queries.h"

namespace sigrec::analyze::exporting {
namespace {

template <typename Command>
std::vector<Row> jsonRows(Command&& command) {
  std::ostringstream out;
  command(out);
  std::vector<Row> rows;
  std::istringstream in(out.str());
  for (std::string line; std::getline(in, line);) rows.push_back(Row::parse(line));
  return rows;
}

uint32_t defaultPid(const Db& db) {
  auto s = db.prepare(
      "SELECT e.pid FROM exits e LEFT JOIN signals s ON s.id = e.signal_id"
      " LEFT JOIN processes p ON p.id = e.process_id WHERE e.reason <> 'exit'"
      // In a capture of sigrec -- CMD, a death in the command's scope first
      // (docs/sigan.md, "Scope").
      " ORDER BY COALESCE(p.in_scope, 0) DESC, s.origin IS NULL, s.origin = 'kernel', e.time_ns"
      " LIMIT 1");
  if (!s.step()) throw UserError("no process was killed in the capture; name one with --pid P");
  return static_cast<uint32_t>(s.getInt(0));
}

// Keeps the first and last kMaxRows / 2 rows, and every row KEEP accepts.
template <typename Keep>
size_t trim(std::vector<Row>& rows, Keep keep) {
  if (rows.size() <= kMaxRows) return 0;
  std::vector<Row> kept;
  size_t half = kMaxRows / 2;
  for (size_t i = 0; i < rows.size(); ++i)
    if (i < half || i >= rows.size() - half || keep(rows[i])) kept.push_back(std::move(rows[i]));
  size_t leftOut = rows.size() - kept.size();
  rows = std::move(kept);
  return leftOut;
}

}  // namespace

ReportData gatherReport(const Db& db, std::optional<uint32_t> pid) {
  ReportData r;
  r.pid = pid ? *pid : defaultPid(db);
  r.whoKilled = jsonRows(
      [&](std::ostream& out) { cmdWhoKilled(db, r.pid, std::nullopt, Format::kJson, out); });
  r.tree =
      jsonRows([&](std::ostream& out) { cmdTree(db, r.pid, std::nullopt, Format::kJson, out); });
  r.captures = jsonRows([&](std::ostream& out) { cmdInfo(db, Format::kJson, out); });
  r.signalsLeftOut = trim(r.whoKilled, [](const Row& row) { return row["fatal"] == true; });
  r.treeLeftOut = trim(r.tree, [](const Row& row) { return row["relation"] != "descendant"; });
  return r;
}

}  // namespace sigrec::analyze::exporting
