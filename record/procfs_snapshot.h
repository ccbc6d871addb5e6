// The /proc snapshot taken when recording starts: every process already
// running, so that signals to and from them have names, command lines and
// parents (docs/capture-format.md, "Process identity").
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "record/redaction.h"
#include "schema/capture.capnp.h"

namespace sigrec::record {

struct ProcEntry {
  uint32_t pid = 0;
  uint32_t ppid = 0;
  uint64_t startTicks = 0;  // /proc/PID/stat field 22
  std::string comm;
  std::string exe;
  std::vector<std::string> cmdline;
  bool cmdlineTruncated = false;
  uint32_t uid = 0;
  std::string cgroup;
  uint32_t nsPid = 0;
  uint32_t pidNs = 0;
};

// Reads one process from PROC_ROOT/PID; nullopt if it vanished meanwhile.
std::optional<ProcEntry> readProcess(const std::string& procRoot, uint32_t pid);

// Every process under PROC_ROOT; those that vanished or could not be read
// are counted in UNREADABLE.
std::vector<ProcEntry> readAllProcesses(const std::string& procRoot = "/proc",
                                        uint32_t* unreadable = nullptr);

// The length of a clock tick (USER_HZ), the unit of ProcEntry::startTicks.
uint64_t clockTickNs();

// One snapshot entry; start times in ns, rounded down to a tick.
void fillProcess(const ProcEntry& p, schema::Process::Builder out);

// Reads every process under PROC_ROOT into SNAPSHOT.
void takeSnapshot(schema::ProcessSnapshot::Builder snapshot, Redaction redaction = Redaction::kNone,
                  const std::string& procRoot = "/proc");

}  // namespace sigrec::record
