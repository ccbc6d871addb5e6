#include "analyze/import/process_resolver.h"

#include <algorithm>

#include "analyze/attribution/alive_at.h"

namespace sigrec::analyze {

void ProcessInstance::seen(uint64_t timeNs) {
  firstSeenNs = std::min(firstSeenNs, timeNs);
  lastSeenNs = std::max(lastSeenNs, timeNs);
}

ProcessResolver::ProcessResolver(int64_t nextId, uint64_t tickNs)
    : firstId_(nextId), nextId_(nextId), tickNs_(tickNs ? tickNs : 10'000'000) {}

bool ProcessResolver::sameTick(uint64_t exactNs, uint64_t tickNs) const {
  return exactNs / tickNs_ * tickNs_ == tickNs;
}

ProcessInstance& ProcessResolver::create(uint32_t pid, uint64_t startNs, bool exact) {
  ProcessInstance& p = instances_.emplace_back();
  p.id = nextId_++;
  p.pid = pid;
  p.startNs = startNs;
  p.startExact = exact;
  byPid_[pid].push_back(&p);
  hold({0, pid}, {&p, pid, 0});
  return p;
}

ProcessInstance& ProcessResolver::addSnapshot(uint32_t pid, uint64_t tickStartNs) {
  for (ProcessInstance* p : byPid_[pid]) {
    if (p->startExact ? sameTick(p->startNs, tickStartNs) : p->startNs == tickStartNs) return *p;
  }
  return create(pid, tickStartNs, false);
}

ProcessInstance& ProcessResolver::byStart(uint32_t pid, uint64_t exactStartNs) {
  auto& list = byPid_[pid];
  for (ProcessInstance* p : list)
    if (p->startExact && p->startNs == exactStartNs) return *p;
  for (ProcessInstance* p : list) {
    if (!p->startExact && sameTick(exactStartNs, p->startNs)) {
      uint64_t from = std::min(p->startNs, exactStartNs);
      touched({0, pid}, from);
      if (p->nsRegistered) touched({*p->pidNs, *p->nsPid}, from);
      p->startNs = exactStartNs;
      p->startExact = true;
      return *p;
    }
  }
  return create(pid, exactStartNs, true);
}

ProcessInstance* ProcessResolver::atTime(uint32_t pid, uint64_t timeNs) {
  auto found = byPid_.find(pid);
  if (found == byPid_.end()) return nullptr;
  ProcessInstance* best = nullptr;
  for (ProcessInstance* p : found->second) {
    if (!aliveAt(*p, timeNs)) continue;
    if (!best || p->startNs > best->startNs) best = p;
  }
  return best;
}

void ProcessResolver::touched(PidKey key, uint64_t fromNs) {
  // Answers for times >= fromNs may have changed.
  auto found = queriedUpTo_.find(key);
  if (found != queriedUpTo_.end() && fromNs <= found->second) dirty_.insert(key);
}

void ProcessResolver::hold(PidKey key, Tenure tenure) {
  holders_[key].push_back(tenure);
  touched(key, tenure.startNs());
}

void ProcessResolver::setNamespace(ProcessInstance& p, uint32_t pidNs, uint32_t nsPid,
                                   bool override) {
  // A fork's values replace what was known (when non-zero); /proc's only
  // fill what is missing, zeros included (as the columns always showed).
  if (override ? nsPid != 0 : !p.nsPid) p.nsPid = nsPid;
  if (override ? pidNs != 0 : !p.pidNs) p.pidNs = pidNs;
  if (p.nsRegistered || !p.nsPid || *p.nsPid == 0 || namespaceOf(p) == 0) return;
  p.nsRegistered = true;
  hold({*p.pidNs, *p.nsPid}, {&p, p.pid, 0});
  // Calls it made before were resolved against host pids.
  if (p.madeNotedCalls) dirtyCallers_.insert(p.id);
}

void ProcessResolver::addThread(ProcessInstance& p, uint32_t tid, uint64_t timeNs, uint32_t pidNs,
                                uint32_t nsTid) {
  hold({0, tid}, {&p, tid, timeNs});
  if (pidNs && pidNs != kInitPidNs && nsTid) hold({pidNs, nsTid}, {&p, tid, timeNs});
}

uint32_t ProcessResolver::namespaceOf(const ProcessInstance& p) {
  return p.pidNs && *p.pidNs != kInitPidNs ? *p.pidNs : 0;
}

std::optional<PidHolder> ProcessResolver::holderAt(PidKey key, uint64_t timeNs) const {
  auto found = holders_.find(key);
  if (found == holders_.end()) return std::nullopt;
  const Tenure* best = nullptr;
  for (const Tenure& t : found->second) {
    if (t.startNs() > timeNs) continue;
    if (!best || t.startNs() > best->startNs()) best = &t;
  }
  if (!best) return std::nullopt;
  return PidHolder{best->process, best->hostNumber};
}

std::optional<PidHolder> ProcessResolver::holderAtNoted(ProcessInstance& caller, PidKey key,
                                                        uint64_t timeNs) {
  caller.madeNotedCalls = true;
  auto [it, inserted] = queriedUpTo_.emplace(key, timeNs);
  if (!inserted && it->second < timeNs) it->second = timeNs;
  return holderAt(key, timeNs);
}

void ProcessResolver::setExit(ProcessInstance& p, uint64_t exitNs) {
  // No tenure changes: a zombie keeps its pid until it is reaped.
  p.exitNs = exitNs;
}

void ProcessResolver::linkParents(uint64_t snapshotNs) {
  // By index: byStart() may append, and deque iterators do not survive that.
  for (size_t i = 0; i < instances_.size(); ++i) {  // NOLINT(modernize-loop-convert)
    ProcessInstance& p = instances_[i];
    if (p.parentId || !p.ppid) continue;
    if (p.parentStartNs) {
      p.parentId = byStart(*p.ppid, *p.parentStartNs).id;
    } else if (ProcessInstance* parent = atTime(*p.ppid, p.inSnapshot ? snapshotNs : p.startNs)) {
      p.parentId = parent->id;
    }
  }
}

}  // namespace sigrec::analyze
