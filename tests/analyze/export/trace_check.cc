#include "tests/analyze/export/trace_check.h"

#include <map>
#include <set>
#include <utility>

namespace sigrec::testing {
namespace {

using nlohmann::json;
using TrackKey = std::pair<int64_t, int64_t>;

struct Open {
  std::string name;
  double ts;
};

bool has(const json& e, const char* key) {
  return e.contains(key) && !e[key].is_null();
}

std::string describe(const json& e) {
  return e.dump().substr(0, 200);
}

void checkKeys(const json& e, std::vector<std::string>& bad) {
  static const std::map<std::string, std::vector<const char*>> kRequired = {
      {"M", {"name", "pid", "args"}},
      {"B", {"name", "ts", "pid", "tid"}},
      {"E", {"ts", "pid", "tid"}},
      {"X", {"name", "ts", "dur", "pid", "tid"}},
      {"i", {"name", "ts", "pid", "tid", "s"}},
  };
  if (!e.is_object() || !e.contains("ph") || !e["ph"].is_string()) {
    bad.push_back("event without ph: " + describe(e));
    return;
  }
  auto it = kRequired.find(e["ph"].get<std::string>());
  if (it == kRequired.end()) {
    bad.push_back("unexpected phase: " + describe(e));
    return;
  }
  for (const char* key : it->second)
    if (!has(e, key)) bad.push_back(std::string("missing ") + key + ": " + describe(e));
  for (const char* key : {"pid", "tid"})
    if (has(e, key) && (!e[key].is_number_integer() || e[key].get<int64_t>() < 0 ||
                        e[key].get<int64_t>() > 0xffffffffLL))
      bad.push_back(std::string(key) + " is not a uint32: " + describe(e));
  for (const char* key : {"ts", "dur"})
    if (has(e, key) && !e[key].is_number()) bad.push_back(std::string(key) + " not a number");
  if (has(e, "dur") && e["dur"].is_number() && e["dur"].get<double>() < 0)
    bad.push_back("negative dur: " + describe(e));
}

// B/E matched per track, X inside the open B, timestamps monotonic.
void checkTracks(const json& events, std::vector<std::string>& bad) {
  std::map<TrackKey, std::vector<Open>> open;
  std::map<TrackKey, double> last;
  for (const json& e : events) {
    std::string ph = e.value("ph", "");
    if (ph == "M" || !has(e, "ts") || !has(e, "pid") || !has(e, "tid")) continue;
    TrackKey key{e["pid"].get<int64_t>(), e["tid"].get<int64_t>()};
    double ts = e["ts"].get<double>();
    if (last.count(key) && ts < last[key]) bad.push_back("time goes back: " + describe(e));
    last[key] = ts;
    auto& stack = open[key];
    if (ph == "B") stack.push_back({e["name"].get<std::string>(), ts});
    if (ph == "E") {
      if (stack.empty())
        bad.push_back("E without B: " + describe(e));
      else if (has(e, "name") && e["name"] != stack.back().name)
        bad.push_back("E closes another slice: " + describe(e));
      if (!stack.empty()) stack.pop_back();
    }
    if (ph == "X" && !stack.empty() && ts < stack.back().ts)
      bad.push_back("X starts before its enclosing B: " + describe(e));
  }
  for (const auto& [key, stack] : open)
    for (const Open& o : stack) bad.push_back("B never ended: " + o.name);
}

// X must end before the E of the B/E slice it starts in.
void checkNesting(const json& events, std::vector<std::string>& bad) {
  std::map<TrackKey, std::vector<std::pair<double, double>>> lives;  // B..E per track
  std::map<TrackKey, double> begins;
  for (const json& e : events) {
    std::string ph = e.value("ph", "");
    if (ph != "B" && ph != "E") continue;
    TrackKey key{e["pid"].get<int64_t>(), e["tid"].get<int64_t>()};
    if (ph == "B") begins[key] = e["ts"].get<double>();
    if (ph == "E" && begins.count(key)) lives[key].push_back({begins[key], e["ts"].get<double>()});
  }
  for (const json& e : events) {
    if (e.value("ph", "") != "X") continue;
    TrackKey key{e["pid"].get<int64_t>(), e["tid"].get<int64_t>()};
    double from = e["ts"].get<double>(), to = from + e["dur"].get<double>();
    for (auto [b, end] : lives[key])
      if (from >= b && from <= end && to > end + 1e-3)
        bad.push_back("X outlives its enclosing slice: " + describe(e));
  }
}

void checkFlows(const json& events, std::vector<std::string>& bad) {
  std::map<int64_t, std::vector<const json*>> outs, ins;
  for (const json& e : events) {
    if (!e.contains("bind_id")) continue;
    std::string ph = e.value("ph", "");
    if (ph != "X" && ph != "B") bad.push_back("flow on a non-slice: " + describe(e));
    int64_t id = e["bind_id"].get<int64_t>();
    if (e.value("flow_out", false)) outs[id].push_back(&e);
    if (e.value("flow_in", false)) ins[id].push_back(&e);
    if (!e.value("flow_out", false) && !e.value("flow_in", false))
      bad.push_back("flow without direction: " + describe(e));
  }
  for (const auto& [id, list] : outs) {
    if (list.size() != 1) bad.push_back("flow " + std::to_string(id) + " starts more than once");
    if (ins[id].size() != 1) {
      bad.push_back("flow " + std::to_string(id) + " has no single end");
      continue;
    }
    if ((*ins[id][0])["ts"].get<double>() < (*list[0])["ts"].get<double>())
      bad.push_back("flow " + std::to_string(id) + " ends before it starts");
  }
  for (const auto& [id, list] : ins)
    if (!outs.count(id)) bad.push_back("flow " + std::to_string(id) + " ends without a start");
}

void checkNames(const json& events, std::vector<std::string>& bad) {
  std::set<int64_t> processes;
  std::set<TrackKey> threads;
  for (const json& e : events) {
    if (e.value("ph", "") != "M") continue;
    if (e["name"] == "process_name") processes.insert(e["pid"].get<int64_t>());
    if (e["name"] == "thread_name")
      threads.insert({e["pid"].get<int64_t>(), e["tid"].get<int64_t>()});
  }
  for (const json& e : events) {
    if (e.value("ph", "") == "M" || !has(e, "pid") || !has(e, "tid")) continue;
    if (!processes.count(e["pid"].get<int64_t>()))
      bad.push_back("process without a name: " + describe(e));
    if (!threads.count({e["pid"].get<int64_t>(), e["tid"].get<int64_t>()}))
      bad.push_back("thread without a name: " + describe(e));
  }
}

}  // namespace

std::vector<std::string> traceViolations(const json& trace) {
  std::vector<std::string> bad;
  if (!trace.is_object() || !trace.contains("traceEvents") || !trace["traceEvents"].is_array())
    return {"no traceEvents array"};
  const json& events = trace["traceEvents"];
  for (const json& e : events) checkKeys(e, bad);
  if (!bad.empty()) return bad;
  checkTracks(events, bad);
  checkNesting(events, bad);
  checkFlows(events, bad);
  checkNames(events, bad);
  return bad;
}

std::vector<json> traceEvents(const json& trace, const std::function<bool(const json&)>& pred) {
  std::vector<json> out;
  for (const json& e : trace["traceEvents"])
    if (pred(e)) out.push_back(e);
  return out;
}

std::vector<int64_t> tracePids(const json& trace, const std::string& prefix) {
  std::vector<int64_t> pids;
  for (const json& e : trace["traceEvents"])
    if (e.value("ph", "") == "M" && e["name"] == "process_name" &&
        e["args"]["name"].get<std::string>().rfind(prefix, 0) == 0)
      pids.push_back(e["pid"].get<int64_t>());
  return pids;
}

json flowPartner(const json& trace, const json& e) {
  if (!e.contains("bind_id")) return nullptr;
  bool out = e.value("flow_out", false);
  for (const json& other : trace["traceEvents"])
    if (other.contains("bind_id") && other["bind_id"] == e["bind_id"] &&
        other.value(out ? "flow_in" : "flow_out", false))
      return other;
  return nullptr;
}

}  // namespace sigrec::testing
