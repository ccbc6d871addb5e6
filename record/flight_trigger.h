// What makes the flight recorder write a dump (docs/deploy.md, "Flight
// recorder"): SIGUSR1 always; `--trigger-on death[:FILTER]` and
// `--trigger-on oom` as asked. A death is the end of a process (its last
// thread) by a fatal signal; FILTER is KEY=VALUE[,KEY=VALUE...], all of
// which must hold: comm=NAME, signal=SIG, cgroup=PATH (that cgroup v2
// directory or one below it), unit=NAME (a systemd unit, slice or scope
// named in the cgroup path, e.g. nginx.service).
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace sigrec::record {

struct DeathFilter {
  std::optional<std::string> comm;
  std::optional<int> signal;
  std::optional<std::string> cgroup;  // as in /proc/PID/cgroup: "/system.slice/x.service"
  std::optional<std::string> unit;
};

struct FlightTriggers {
  std::vector<DeathFilter> deaths;  // any one matching is a trigger
  bool oom = false;
};

// Adds one --trigger-on value to TRIGGERS; throws std::runtime_error with a
// one-line message naming what is wrong.
void parseTrigger(const std::string& text, FlightTriggers& triggers);

// The facts about one death that a filter looks at; cgroup is resolved only
// if a filter asks for it (it may cost a walk of the cgroup tree).
struct Death {
  std::string comm;        // of the process (its leader's, else its last thread's)
  std::string threadComm;  // of its last thread
  int signal = 0;
};

// True if the filter holds; CGROUP_PATH is called at most once, and only if
// the filter names a cgroup or a unit ("" when unknown).
template <typename CgroupPath>
bool matches(const DeathFilter& f, const Death& d, CgroupPath&& cgroupPath);

bool cgroupMatches(const DeathFilter& f, const std::string& path);

template <typename CgroupPath>
bool matches(const DeathFilter& f, const Death& d, CgroupPath&& cgroupPath) {
  if (f.signal && *f.signal != d.signal) return false;
  if (f.comm && *f.comm != d.comm && *f.comm != d.threadComm) return false;
  if (!f.cgroup && !f.unit) return true;
  return cgroupMatches(f, cgroupPath());
}

}  // namespace sigrec::record
