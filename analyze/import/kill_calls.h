// The kill_calls rows: each kill-family call with its arguments, result and
// target (analyze/attribution/kill_target.h), linked to the signals it
// generated; targets that later events changed are recomputed at the end.
#pragma once

#include <cstdint>
#include <optional>

#include "analyze/store/db.h"
#include "analyze/import/signal_tracker.h"
#include "analyze/import/import_names.h"
#include "analyze/import/process_resolver.h"
#include "analyze/store/row_writer.h"
#include "schema/capture.capnp.h"

namespace sigrec::analyze {

class KillCalls {
 public:
  // NEXTID: the kill_calls.id the first call gets. RETURNSSEEN: false for a
  // capture recorded without syscall hooks (returnsSeen()).
  KillCalls(RowWriter& rows, ProcessResolver& procs, NameCache& names, SignalTracker& signals,
            int64_t captureId, int64_t nextId, bool returnsSeen);
  // Whether the capture's kill calls carry their return value: not when
  // they were recorded from their signals alone (kernel feature
  // kill_calls=none, sigrec --no-syscall-hooks; docs/kernels.md).
  static bool returnsSeen(std::optional<schema::CaptureInfo::Reader> info);
  void call(schema::Event::Reader ev, ProcessInstance& caller, uint64_t t);
  // Once every row is in DB.
  void relinkTargets(Db& db);

 private:
  ProcessResolver& procs_;
  NameCache& names_;
  SignalTracker& signals_;
  int64_t captureId_;
  int64_t nextId_;
  bool returnsSeen_;
  QueuedStatement& insKill_;
};

}  // namespace sigrec::analyze
