// Collects Chrome Trace Event JSON events (the format Perfetto's UI and
// chrome://tracing open) and writes them as one file: metadata first, then
// every event in time order, so each track reads monotonically. Tracks are
// allocated here: a trace `pid` per process instance (its processes.id, so a
// reused pid gets its own track) and a trace `tid` per thread, unique in the
// whole file (docs/fleet.md, "Perfetto").
#pragma once

#include <cstdint>
#include <iosfwd>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "analyze/query/output.h"

namespace sigrec::analyze::exporting {

struct Track {
  int64_t pid = 0;  // trace pid
  int64_t tid = 0;  // trace tid
};

// The time window the trace shows (wall-clock ns); unset = open.
struct Window {
  std::optional<int64_t> sinceNs, untilNs;
  bool contains(int64_t ns) const {
    return (!sinceNs || ns >= *sinceNs) && (!untilNs || ns <= *untilNs);
  }
};

class TraceBuilder {
 public:
  explicit TraceBuilder(Window window) : window_(window) {}

  // The main-thread track of INSTANCE (processes.id), named once.
  Track processTrack(int64_t instance) const { return {instance, instance}; }
  // The track of thread TID of INSTANCE (PID = its host pid): the main
  // track when TID is the pid, else a track of its own.
  Track threadTrack(int64_t instance, int64_t pid, int64_t tid);
  // A track outside any process (loss windows), in a pseudo-process.
  Track pseudoTrack(const std::string& process, const std::string& thread);

  void nameProcess(int64_t tracePid, const std::string& name, const std::string& label,
                   int64_t sortIndex);
  void nameThread(Track track, const std::string& name);

  // The life slice of a track: B and E, clipped to the window. Events on
  // the track later added are kept inside it. False if it is outside the window.
  bool life(Track track, int64_t beginNs, int64_t endNs, const std::string& name, Row beginArgs,
            Row endArgs);
  // A complete event (X); DUR 0 draws as an instant, and can carry a flow.
  // FLOW: the bind id, OUT true at the sender's end.
  void complete(Track track, int64_t ns, int64_t durNs, const std::string& name, const char* cat,
                Row args, std::optional<std::pair<int64_t, bool>> flow = std::nullopt);
  // A thread-scoped instant event (i).
  void instant(Track track, int64_t ns, const std::string& name, const char* cat, Row args);

  // Writes the file; OTHER goes to "otherData". Flow ends whose partner was
  // filtered out are dropped first.
  void write(std::ostream& out, const Row& other);

  size_t eventCount() const { return events_.size(); }

 private:
  struct Event {
    int64_t ns;
    int rank;  // B 0, X 1, i 2, E 3 at one time, so slices nest
    int64_t durNs;
    size_t seq;
    Row json;
  };
  void add(int64_t ns, int rank, int64_t durNs, Row json);
  std::pair<int64_t, int64_t> clampToLife(Track track, int64_t ns, int64_t durNs) const;
  void dropUnpairedFlows();

  Window window_;
  std::vector<Row> metadata_;
  std::vector<Event> events_;
  std::map<std::pair<int64_t, int64_t>, int64_t> threadTids_;  // (instance, host tid)
  std::map<std::string, int64_t> pseudoPids_;
  std::map<std::pair<int64_t, std::string>, int64_t> pseudoTids_;
  std::map<std::pair<int64_t, int64_t>, std::pair<int64_t, int64_t>> lives_;  // track -> span
  // Above any processes.id, below 2^32: Perfetto reads pid and tid as uint32.
  int64_t nextId_ = int64_t{1} << 30;
};

// Trace timestamps are microseconds (the format's unit) since the epoch.
double traceMicros(int64_t wallNs);

}  // namespace sigrec::analyze::exporting
