#include "analyze/process_resolver.h"

#include <algorithm>

namespace sigrec::analyze {

void ProcessInstance::seen(uint64_t timeNs) {
  firstSeenNs = std::min(firstSeenNs, timeNs);
  lastSeenNs = std::max(lastSeenNs, timeNs);
}

ProcessResolver::ProcessResolver(int64_t nextId, uint64_t tickNs)
    : nextId_(nextId), tickNs_(tickNs ? tickNs : 10'000'000) {}

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
  touched(pid, startNs);
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
      touched(pid, std::min(p->startNs, exactStartNs));
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
    if (p->startNs > timeNs) continue;
    if (p->exitNs && *p->exitNs < timeNs) continue;
    if (!best || p->startNs > best->startNs) best = p;
  }
  return best;
}

void ProcessResolver::touched(uint32_t pid, uint64_t fromNs) {
  // Answers for times >= fromNs may have changed.
  auto found = queriedUpTo_.find(pid);
  if (found != queriedUpTo_.end() && fromNs <= found->second) dirty_.insert(pid);
}

ProcessInstance* ProcessResolver::atTimeNoted(uint32_t pid, uint64_t timeNs) {
  auto [it, inserted] = queriedUpTo_.emplace(pid, timeNs);
  if (!inserted && it->second < timeNs) it->second = timeNs;
  return atTime(pid, timeNs);
}

void ProcessResolver::setExit(ProcessInstance& p, uint64_t exitNs) {
  if (p.exitNs != exitNs) touched(p.pid, p.exitNs ? std::min(*p.exitNs, exitNs) : exitNs);
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
