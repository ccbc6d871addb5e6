// What sigan answers about a capture, read through its JSON output: the side
// of the oracle comparison that is under test.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "tests/scenarios/scenario_fixture.h"

namespace sigrec::oracle {

struct SiganCall {  // a kill_calls row
  long id = 0;
  double time = 0;  // wall clock, seconds (syscall entry)
  std::string syscall, callerComm, errnoName;
  long callerPid = 0, callerTid = 0, ret = 0, signals = 0;
  long arg[4] = {0, 0, 0, 0};
  std::optional<long> targetHostPid;  // processes.pid of target_id
};

struct SiganSignal {  // a signals row
  long id = 0;
  double time = 0;
  long signo = 0;
  std::string origin, code;
  std::optional<long> senderPid, senderTid, targetPid, targetTid, killCallId;
};

struct SiganDelivery {
  double time = 0;
  long pid = 0, tid = 0, signo = 0;
};

struct SiganExit {  // a row of `sigan exits`
  double time = 0;
  long pid = 0;
  std::string reason, origin;
  std::optional<long> exitStatus, signo, killerPid;
  bool core = false;
};

struct SiganView {
  std::vector<SiganCall> calls;
  std::vector<SiganSignal> signals;
  std::vector<SiganDelivery> deliveries;
  std::vector<SiganExit> exits;
};

// Everything of the capture of RUN (the whole host's recording).
SiganView loadSiganView(const testing::ScenarioRun& run);

// RFC 3339 UTC text as sigan prints it -> seconds since the epoch.
double wallSeconds(const std::string& rfc3339);

}  // namespace sigrec::oracle
