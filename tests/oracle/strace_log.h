// What `strace -f -ttt -q -yy --pidns-translation` printed, parsed: the
// oracle's independent view of the kill-family calls, forks and exits of the
// traced processes (tests/oracle/README.md says how the lines are read).
#pragma once

#include <istream>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace sigrec::oracle {

// One argument as strace printed it.
struct StraceArg {
  std::string text;
  std::optional<long> value;    // an integer, or a signal name as its number
  std::optional<long> hostPid;  // `N /* M in strace's PID NS */`, `FD<pid:M>`
  bool translated = false;      // the first form: passed by a process in a child namespace
};

struct StraceCall {
  long tid = 0;
  double time = 0;  // wall clock, seconds (the syscall entry stop)
  std::string syscall;
  std::vector<StraceArg> args;
  bool returned = true;  // false: `= ?` or never resumed (the caller died inside)
  long ret = 0;          // the raw return (-1 on failure)
  std::string errnoName;
  std::optional<long> retHostPid;  // clone's result, translated to strace's namespace
  std::string line;                // the whole call, unfinished parts joined
};

struct StraceExit {
  long tid = 0;
  double time = 0;
  bool killed = false;  // `+++ killed by`; else `+++ exited with`
  long status = 0;      // exit status, or the signal number
  std::string signalName;
  bool core = false;
};

struct StraceDelivery {  // `--- SIGX {si_code=...} ---`: a signal-delivery stop
  long tid = 0;
  double time = 0;
  long signo = 0;
  std::string code;
};

struct StraceLog {
  std::vector<StraceCall> calls;  // kill family and clone family, in output order
  std::vector<StraceExit> exits;
  std::vector<StraceDelivery> deliveries;
  std::map<long, long> tgidOf;            // every tid seen -> its thread group
  std::map<long, double> firstSeen;       // tid -> first line or its parent's clone entry
  std::map<long, bool> createdInTrace;    // tid -> its clone was traced
  std::map<long, bool> inChildNamespace;  // tids seen passing or getting translated pids
  std::map<long, bool> untraced;      // children made with CLONE_UNTRACED: strace never saw them
  std::vector<std::string> unparsed;  // lines the parser did not understand

  long tgid(long tid) const;
  bool isThreadGroupLeader(long tid) const { return tgid(tid) == tid; }
};

StraceLog parseStraceLog(std::istream& in);

// SIGTERM, SIGRTMIN, SIGRT_3 (strace's names: kernel numbering) -> number.
std::optional<long> signalNumber(const std::string& name);
// The kill-family syscalls strace and sigrec both see.
bool isKillFamily(const std::string& syscall);

}  // namespace sigrec::oracle
