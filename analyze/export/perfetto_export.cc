#include "analyze/export/perfetto_export.h"

#include <ostream>

#include "analyze/export/decimation.h"
#include "analyze/export/row_args.h"
#include "analyze/export/trace_builder.h"
#include "analyze/export/trace_processes.h"
#include "analyze/export/trace_signals.h"
#include "base/time_format.h"

namespace sigrec::analyze::exporting {
namespace {

// What the trace was made from, for whoever opens it later.
Row otherData(const Db& db, const TraceFilter& filter, int64_t decimated) {
  Row captures = Row::array();
  auto s = db.prepare(
      "SELECT hostname, kernel_release, boot_id, start_ns + boot_to_wall_ns AS x_start,"
      " end_ns + boot_to_wall_ns AS x_end, lost, damaged_bytes, trailer FROM captures ORDER BY id");
  while (s.step()) {
    Row c = rowArgs(s);
    c["start"] = formatTime(s.getInt("x_start"));
    c["end"] = formatTime(s.getInt("x_end"));
    captures.push_back(std::move(c));
  }
  Row f = Row::object();
  if (filter.pid) f["pid"] = *filter.pid;
  if (filter.signal) f["signal"] = *filter.signal;
  if (filter.sinceWallNs) f["since"] = formatTime(*filter.sinceWallNs);
  if (filter.untilWallNs) f["until"] = formatTime(*filter.untilWallNs);
  return {{"producer", "sigan " SIGREC_VERSION_STRING},
          {"captures", std::move(captures)},
          {"filter", std::move(f)},
          {"decimated_events", decimated}};
}

}  // namespace

PerfettoSummary writePerfetto(const Db& db, const TraceFilter& filter, std::ostream& out) {
  std::set<int64_t> shown = selectInstances(db, filter);
  TraceBuilder trace(Window{filter.sinceWallNs, filter.untilWallNs});
  Decimator decimator(filter.decimate);
  auto fatal = addProcesses(db, shown, trace);
  SignalScope scope{shown, fatal, filter.signal};
  addKillCalls(db, scope, trace);
  addSignals(db, scope, trace, decimator);
  addDeliveries(db, scope, trace, decimator);
  decimator.flush(trace);
  addLosses(db, trace);
  PerfettoSummary summary{trace.eventCount(), shown.size(), decimator.dropped()};
  trace.write(out, otherData(db, filter, decimator.dropped()));
  return summary;
}

}  // namespace sigrec::analyze::exporting
