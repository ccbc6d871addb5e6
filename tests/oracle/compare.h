// The oracle's comparison: strace's view of the traced processes against
// sigan's answers, one list of precise differences per kind of check.
#pragma once

#include <string>
#include <vector>

#include "tests/oracle/sigan_view.h"
#include "tests/oracle/strace_log.h"

namespace sigrec::oracle {

struct Differences {
  std::vector<std::string> calls;    // kill-family calls, both directions: args, result, signals
  std::vector<std::string> targets;  // the process a call named, resolved by sigan
  std::vector<std::string> signals;  // signals sigan ties to a traced call
  std::vector<std::string> exits;    // exit status, fatal signal, core flag
  std::vector<std::string> fatal;    // the fatal sender, or `kernel`
  std::vector<std::string> counts;   // generations >= deliveries
  std::vector<std::string> notes;    // strace artifacts left out (README), for the log
};

struct Agreement {  // what was compared, for the test's log
  size_t calls = 0, exits = 0, fatal = 0, processes = 0;
};

Differences compare(const StraceLog& strace, const SiganView& sigan, Agreement* agreed = nullptr);

}  // namespace sigrec::oracle
