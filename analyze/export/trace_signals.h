// The signal part of a Perfetto export. Each kill-family call is a slice on
// the caller's thread, from entry to return; each signal it generated is a
// zero-length "send" slice inside it and a zero-length slice on the target
// (Perfetto draws both as instants), joined by a flow arrow. Kernel-origin
// signals have no sender: they are marked `kernel` and carry the signals
// row (context task, si_code, and any cause column the registry gains).
// Deliveries are instants on the receiving thread, with their disposition.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>

#include "analyze/store/db.h"
#include "analyze/export/decimation.h"
#include "analyze/export/trace_builder.h"

namespace sigrec::analyze::exporting {

struct SignalScope {
  const std::set<int64_t>& shown;           // instances with a track
  const std::map<int64_t, int64_t>& fatal;  // signals.id -> instance it killed
  std::optional<int> signal;                // --signal
};

void addKillCalls(const Db& db, const SignalScope& scope, TraceBuilder& trace);
void addSignals(const Db& db, const SignalScope& scope, TraceBuilder& trace, Decimator& decimator);
void addDeliveries(const Db& db, const SignalScope& scope, TraceBuilder& trace,
                   Decimator& decimator);
// Loss windows as ranges on a track per capture, CPU and probe.
void addLosses(const Db& db, TraceBuilder& trace);

}  // namespace sigrec::analyze::exporting
