// A focused import: the rows one question reads and nothing else, for the
// first answer on a capture file (docs/sigan.md, "The first answer on a
// capture file"). Every frame and every event is still read, and each
// event still tells the process tracker what it would in the full import,
// so the rows kept (and the capture's counts, damage and loss windows) are
// exactly the full import's; rows the question never reads are not made.
#pragma once

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <unordered_set>
#include <vector>

#include "analyze/import/process_resolver.h"
#include "analyze/import/signal_tracker.h"
#include "schema/capture.capnp.h"

namespace sigrec::analyze {

// What the import is for. Empty: everything (the full import).
struct ImportFocus {
  std::optional<uint32_t> whoKilledPid;  // `who-killed PID`

  bool any() const { return whoKilledPid.has_value(); }
};

// Thrown by a focused import that found it may have passed over a row the
// answer needs; the caller imports the capture in full instead.
class FocusUnsure : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// The rule of `who-killed PID` (analyze/query/cmd_who_killed.cc), which
// reads: the signals whose target instance has pid PID (signalRows; the
// fatal signal of each exit, linkExitCauses, is one of them), the
// deliveries to PID (they complete those signals and link group-exit
// SIGKILLs), the kill calls those signals were generated in (the call:
// line), failed kill calls aimed at PID (failedCallRows), the exits of
// PID's instances (how each ended), and the processes rows of PID's
// instances, of the senders and callers of those rows and of their
// ancestors. Every event still counts for what it tells the process
// tracker, and every frame is read, so these rows, the capture's counts,
// damage and loss windows are the full import's. No other row is read.
class WhoKilledFocus {
 public:
  explicit WhoKilledFocus(uint32_t pid) : pid_(pid) {}

  // Whether EV's row of signals, deliveries or kill_calls can be part of
  // the answer (process events: true); false: only its effect on the
  // process instances (actor, target) is needed.
  bool keeps(schema::Event::Reader ev);
  // EV was kept; ACTORID: its acting instance, whose row a kept signal or
  // call names as sender or caller.
  void kept(schema::Event::Reader ev, int64_t actorId);
  // Whether the row of process event EV is read (exits, OOM kills); forks,
  // execs and thread exits never are.
  bool keepsProcessRow(schema::Event::Reader ev) const;
  // The processes rows read, once every event is in and parents are linked.
  std::unordered_set<int64_t> processesRead(ProcessResolver& procs) const;
  // True when a kill call was passed over whose key a kept signal names:
  // the call's event came before the signal's (never with a 2.x recorder,
  // which records the call at its exit), so the import cannot be trusted.
  bool missedCall() const;

 private:
  bool keepsKillCall(schema::Event::Reader ev);

  uint32_t pid_;
  // The calls the kept signals were generated in (senderTid, callEnterNs).
  std::unordered_set<CallKey, CallKeyHash> keptSignalCalls_;
  std::vector<CallKey> passedCalls_;
  std::unordered_set<int64_t> actors_;  // senders and callers of kept rows
};

}  // namespace sigrec::analyze
