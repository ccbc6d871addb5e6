// The rows of process life-cycle events (forks, execs, process and thread
// exits, OOM kills) and what each tells the process tracker: a child
// inherits its parent's program until it execs, a thread holds its tid, an
// exit ends the instance and names its parent.
#pragma once

#include <cstdint>

#include "analyze/import/import_focus.h"
#include "analyze/import/import_names.h"
#include "analyze/import/process_resolver.h"
#include "analyze/store/row_writer.h"
#include "schema/capture.capnp.h"

namespace sigrec::analyze {

class ProcessEvents {
 public:
  // FOCUS (none: every row): which rows a focused import writes
  // (analyze/import/import_focus.h); what each event tells the process
  // tracker is taken either way.
  ProcessEvents(RowWriter& rows, ProcessResolver& procs, NameCache& names, int64_t captureId,
                const WhoKilledFocus* focus = nullptr);
  // Each takes the event, its acting instance and its time.
  void fork(schema::Event::Reader ev, ProcessInstance& parent, uint64_t t);
  void exec(schema::Event::Reader ev, ProcessInstance& p, uint64_t t);
  void exit(schema::Event::Reader ev, ProcessInstance& p, uint64_t t);
  void oomVictim(schema::Event::Reader ev, ProcessInstance& trigger, uint64_t t);

 private:
  ProcessResolver& procs_;
  NameCache& names_;
  int64_t captureId_;
  bool rowOf(schema::Event::Reader ev) const { return !focus_ || focus_->keepsProcessRow(ev); }

  const WhoKilledFocus* focus_;
  QueuedStatement &insFork_, &insExec_, &insExit_, &insThreadExit_, &insOom_;
};

}  // namespace sigrec::analyze
