// sigan export --perfetto: the incident as a Chrome Trace Event JSON file
// that Perfetto's UI (ui.perfetto.dev or self-hosted) and chrome://tracing
// open as it is (docs/fleet.md, "Perfetto").
#pragma once

#include <iosfwd>

#include "analyze/store/db.h"
#include "analyze/export/trace_selection.h"

namespace sigrec::analyze::exporting {

struct PerfettoSummary {
  size_t events = 0;
  size_t processes = 0;
  int64_t decimated = 0;
};

PerfettoSummary writePerfetto(const Db& db, const TraceFilter& filter, std::ostream& out);

}  // namespace sigrec::analyze::exporting
