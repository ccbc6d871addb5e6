// Process instances as the queries present them: identity, command line,
// wall-clock times, and ancestry through the parent links of the import.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "analyze/store/db.h"
#include "analyze/query/output.h"

namespace sigrec::analyze {

struct ProcessInfo {
  int64_t id = 0;
  int64_t captureId = 0;
  std::string hostname;
  uint32_t pid = 0;
  std::optional<int64_t> ppid;
  std::optional<int64_t> parentId;
  std::string comm, exe, cmdline;
  std::string cgroup;  // cgroup v2 path, latest known ("" if none)
  // Its pid in its own pid namespace (a container's), when not the host pid.
  std::optional<int64_t> nsPid;
  int64_t startWallNs = 0;
  bool startExact = false;
  std::optional<int64_t> exitWallNs;
  int64_t tickNs = 10'000'000;
};

std::optional<ProcessInfo> loadProcess(const Db& db, int64_t id);
// Parents of ID, nearest first, up to pid 1 or the first unknown one.
std::vector<ProcessInfo> ancestors(const Db& db, int64_t id);
// [{"pid":..,"comm":..,"cmdline":..}, ...]
Row ancestryJson(const std::vector<ProcessInfo>& chain);
// "bash(100) < sshd(90) < systemd(1)"
std::string ancestryText(const Row& ancestry);

// Instances that used PID (in every capture), oldest first. With START, only
// the one started then (to the precision given or the /proc tick); throws
// UserError if none matches.
std::vector<ProcessInfo> instancesOfPid(const Db& db, uint32_t pid,
                                        const std::optional<std::string>& start);

// "pid N does not appear in the capture": the same words, and status, from
// every command asked about a pid the sources never saw.
std::string unknownPidMessage(uint32_t pid);
// Throws UserError(unknownPidMessage(PID)) unless a process had PID or a
// kill-family call aimed at it.
void requireKnownPid(const Db& db, uint32_t pid);

// RFC 3339 start time, at the precision it was recorded: exact from a fork
// event, a /proc tick (10 ms: two fraction digits) from the snapshot.
std::string startText(const ProcessInfo& p);

}  // namespace sigrec::analyze
