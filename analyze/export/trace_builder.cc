#include "analyze/export/trace_builder.h"

#include <algorithm>
#include <map>
#include <ostream>

namespace sigrec::analyze::exporting {

double traceMicros(int64_t wallNs) {
  // A double holds about 16 digits: at today's epoch that is ~0.25 us, which
  // is why every event also carries its exact RFC 3339 time in args.
  // Whole microseconds first: a double of the ns themselves is only exact to 256 ns.
  int64_t micros = wallNs / 1000, nanos = wallNs % 1000;
  return static_cast<double>(micros) + static_cast<double>(nanos) / 1000.0;
}

Track TraceBuilder::threadTrack(int64_t instance, int64_t pid, int64_t tid) {
  if (tid == pid || tid <= 0) return processTrack(instance);
  auto [it, added] = threadTids_.try_emplace({instance, tid}, nextId_);
  if (added) {
    ++nextId_;
    nameThread({instance, it->second}, "thread " + std::to_string(tid));
  }
  return {instance, it->second};
}

Track TraceBuilder::pseudoTrack(const std::string& process, const std::string& thread) {
  auto [pit, newProcess] = pseudoPids_.try_emplace(process, nextId_);
  if (newProcess) {
    ++nextId_;
    nameProcess(pit->second, process, "", -1);
  }
  auto [tit, newThread] = pseudoTids_.try_emplace({pit->second, thread}, nextId_);
  if (newThread) {
    ++nextId_;
    nameThread({pit->second, tit->second}, thread);
  }
  return {pit->second, tit->second};
}

void TraceBuilder::nameProcess(int64_t tracePid, const std::string& name, const std::string& label,
                               int64_t sortIndex) {
  metadata_.push_back(
      {{"ph", "M"}, {"name", "process_name"}, {"pid", tracePid}, {"args", {{"name", name}}}});
  if (!label.empty())
    metadata_.push_back({{"ph", "M"},
                         {"name", "process_labels"},
                         {"pid", tracePid},
                         {"args", {{"labels", label}}}});
  metadata_.push_back({{"ph", "M"},
                       {"name", "process_sort_index"},
                       {"pid", tracePid},
                       {"args", {{"sort_index", sortIndex}}}});
}

void TraceBuilder::nameThread(Track track, const std::string& name) {
  metadata_.push_back({{"ph", "M"},
                       {"name", "thread_name"},
                       {"pid", track.pid},
                       {"tid", track.tid},
                       {"args", {{"name", name}}}});
}

bool TraceBuilder::life(Track track, int64_t beginNs, int64_t endNs, const std::string& name,
                        Row beginArgs, Row endArgs) {
  endNs = std::max(endNs, beginNs);
  if (window_.sinceNs && endNs < *window_.sinceNs) return false;
  if (window_.untilNs && beginNs > *window_.untilNs) return false;
  if (window_.sinceNs && beginNs < *window_.sinceNs) {
    beginNs = *window_.sinceNs;
    beginArgs["clipped_by_since"] = true;
  }
  if (window_.untilNs && endNs > *window_.untilNs) {
    endNs = *window_.untilNs;
    endArgs["clipped_by_until"] = true;
  }
  lives_[{track.pid, track.tid}] = {beginNs, endNs};
  add(beginNs, 0, endNs - beginNs,
      {{"ph", "B"},
       {"name", name},
       {"cat", "process"},
       {"pid", track.pid},
       {"tid", track.tid},
       {"ts", traceMicros(beginNs)},
       {"args", std::move(beginArgs)}});
  add(endNs, 3, 0,
      {{"ph", "E"},
       {"name", name},
       {"cat", "process"},
       {"pid", track.pid},
       {"tid", track.tid},
       {"ts", traceMicros(endNs)},
       {"args", std::move(endArgs)}});
  return true;
}

std::pair<int64_t, int64_t> TraceBuilder::clampToLife(Track track, int64_t ns,
                                                      int64_t durNs) const {
  // An event recorded at the edge of a life (a caller that died inside its
  // kill call) must still nest in the life slice, or the UI drops it.
  auto it = lives_.find({track.pid, track.tid});
  if (it == lives_.end()) return {ns, durNs};
  auto [begin, end] = it->second;
  int64_t from = std::clamp(ns, begin, end);
  int64_t to = std::clamp(ns + durNs, from, end);
  return {from, to - from};
}

void TraceBuilder::complete(Track track, int64_t ns, int64_t durNs, const std::string& name,
                            const char* cat, Row args,
                            std::optional<std::pair<int64_t, bool>> flow) {
  if (!window_.contains(ns)) return;
  std::tie(ns, durNs) = clampToLife(track, ns, durNs);
  Row event = {{"ph", "X"},
               {"name", name},
               {"cat", cat},
               {"pid", track.pid},
               {"tid", track.tid},
               {"ts", traceMicros(ns)},
               {"dur", static_cast<double>(durNs) / 1000.0},
               {"args", std::move(args)}};
  if (flow) {
    event["bind_id"] = flow->first;
    event[flow->second ? "flow_out" : "flow_in"] = true;
  }
  add(ns, 1, durNs, std::move(event));
}

void TraceBuilder::instant(Track track, int64_t ns, const std::string& name, const char* cat,
                           Row args) {
  if (!window_.contains(ns)) return;
  ns = clampToLife(track, ns, 0).first;
  add(ns, 2, 0,
      {{"ph", "i"},
       {"s", "t"},
       {"name", name},
       {"cat", cat},
       {"pid", track.pid},
       {"tid", track.tid},
       {"ts", traceMicros(ns)},
       {"args", std::move(args)}});
}

void TraceBuilder::add(int64_t ns, int rank, int64_t durNs, Row json) {
  events_.push_back({ns, rank, durNs, events_.size(), std::move(json)});
}

void TraceBuilder::dropUnpairedFlows() {
  std::map<int64_t, int> ends;  // bit 1 out, bit 2 in
  for (const Event& e : events_)
    if (e.json.contains("bind_id"))
      ends[e.json["bind_id"].get<int64_t>()] |= e.json.contains("flow_out") ? 1 : 2;
  for (Event& e : events_) {
    if (!e.json.contains("bind_id") || ends[e.json["bind_id"].get<int64_t>()] == 3) continue;
    e.json.erase("bind_id");
    e.json.erase("flow_out");
    e.json.erase("flow_in");
  }
}

void TraceBuilder::write(std::ostream& out, const Row& other) {
  dropUnpairedFlows();
  // Longer slices first at one time, so a parent precedes what it holds.
  std::sort(events_.begin(), events_.end(), [](const Event& a, const Event& b) {
    return std::tie(a.ns, a.rank, b.durNs, a.seq) < std::tie(b.ns, b.rank, a.durNs, b.seq);
  });
  // No displayTimeUnit: some readers then take ts as ns, the format says us.
  out << "{\"traceEvents\":[\n";
  bool first = true;
  auto put = [&](const Row& json) {
    out << (first ? "" : ",\n") << json.dump(-1, ' ', false, Row::error_handler_t::replace);
    first = false;
  };
  for (const Row& m : metadata_) put(m);
  for (const Event& e : events_) put(e.json);
  out << "\n],\"otherData\":" << other.dump(-1, ' ', false, Row::error_handler_t::replace) << "}\n";
}

}  // namespace sigrec::analyze::exporting
