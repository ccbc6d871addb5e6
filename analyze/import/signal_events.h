// The signals and deliveries rows: each generated signal with its sender
// and target instances, held in the SignalTracker until its delivery and
// kill call are known; each delivery matched to the signal it took.
#pragma once

#include <cstdint>

#include "analyze/import/signal_tracker.h"
#include "analyze/import/import_names.h"
#include "analyze/import/process_resolver.h"
#include "analyze/store/row_writer.h"
#include "schema/capture.capnp.h"

namespace sigrec::analyze {

class SignalEvents {
 public:
  // NEXTSIGNALID, NEXTDELIVERYID: the ids the first rows get.
  SignalEvents(RowWriter& rows, ProcessResolver& procs, NameCache& names, int64_t captureId,
               int64_t nextSignalId, int64_t nextDeliveryId);
  void generated(schema::Event::Reader ev, ProcessInstance& sender, uint64_t t);
  void delivered(schema::Event::Reader ev, ProcessInstance& receiver, uint64_t t);
  // A generated signal that gets no row (analyze/import/import_focus.h):
  // only what it tells about its target instance.
  void passedOver(schema::Event::Reader ev, uint64_t t);
  SignalTracker& tracker() { return tracker_; }

 private:
  ProcessInstance& targetOf(schema::Event::SignalGenerate::Reader g, uint64_t t);
  void write(const SignalRow& r);
  void setCause(schema::Event::Reader ev, SignalRow& r);

  ProcessResolver& procs_;
  NameCache& names_;
  int64_t captureId_;
  int64_t nextSignalId_, nextDeliveryId_;
  QueuedStatement &insSignal_, &insDelivery_, &updSignalDelivery_;
  SignalTracker tracker_{[this](const SignalRow& row) { write(row); }};
};

}  // namespace sigrec::analyze
