#include "analyze/import/import_focus.h"

namespace sigrec::analyze {

using schema::Event;

bool WhoKilledFocus::keeps(Event::Reader ev) {
  switch (ev.which()) {
    case Event::SIGNAL_GENERATE: {
      // targetPid is the target's process (tgid): a signal to one of PID's
      // threads has it too.
      auto g = ev.getSignalGenerate();
      if (g.getTargetPid() != pid_) return false;
      if (g.getSyscall() != schema::Syscall::NONE)
        keptSignalCalls_.insert({ev.getTid(), g.getCallEnterNs()});
      return true;
    }
    case Event::SIGNAL_DELIVER:
      return ev.getPid() == pid_;  // the receiving thread's process
    case Event::KILL_CALL:
      return keepsKillCall(ev);
    case Event::FORK:
    case Event::EXEC:
    case Event::EXIT:
    case Event::OOM_VICTIM:
      return true;
  }
  return true;  // a kind this rule does not know: kept, as the full import would
}

// A call is in the answer by the signal it generated (kept when that
// signal's event came first, as it does: the signal is generated inside
// the call, the call recorded at its exit), or as a failed call whose
// target only the process tracker can name (a pid in the caller's
// namespace, a thread of PID): every failed call is kept.
bool WhoKilledFocus::keepsKillCall(Event::Reader ev) {
  auto k = ev.getKillCall();
  const CallKey key{ev.getTid(), k.getEnterNs()};
  if (k.getRet() < 0 || keptSignalCalls_.count(key) != 0) return true;
  passedCalls_.push_back(key);
  return false;
}

void WhoKilledFocus::kept(Event::Reader ev, int64_t actorId) {
  if (ev.which() == Event::SIGNAL_GENERATE || ev.which() == Event::KILL_CALL)
    actors_.insert(actorId);
}

bool WhoKilledFocus::keepsProcessRow(Event::Reader ev) const {
  switch (ev.which()) {
    case Event::EXIT:
      return ev.getExit().getGroupDead() && ev.getPid() == pid_;
    case Event::FORK:
    case Event::EXEC:
      return false;
    default:
      return true;
  }
}

std::unordered_set<int64_t> WhoKilledFocus::processesRead(ProcessResolver& procs) const {
  std::vector<int64_t> todo(actors_.begin(), actors_.end());
  for (const ProcessInstance& p : procs.all())
    if (p.pid == pid_) todo.push_back(p.id);
  // With every ancestor (the ancestry: line), loops of a damaged capture
  // included.
  std::unordered_set<int64_t> read;
  while (!todo.empty()) {
    const int64_t id = todo.back();
    todo.pop_back();
    if (!read.insert(id).second) continue;
    if (auto parent = procs.byId(id).parentId) todo.push_back(*parent);
  }
  return read;
}

bool WhoKilledFocus::missedCall() const {
  for (const CallKey& key : passedCalls_)
    if (keptSignalCalls_.count(key) != 0) return true;
  return false;
}

}  // namespace sigrec::analyze
