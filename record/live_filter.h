// --print-filter: which events the live view shows, apart from what is
// recorded (docs/sigrec.md, "Live view"). Terms joined by ',' must all
// hold; a term's alternatives are joined by '|'; '!=' negates a term:
//
//   all                  every event (alone, or with probes)
//   tree                 about the command's process tree (needs a command)
//   probes               also kill(pid, 0) probes and calls that sent nothing
//   pid=N                about process N (sender, target, caller or victim)
//   comm=NAME            about a process named NAME
//   signal=SIG           carries signal SIG (TERM, SIGKILL, 9)
//   origin=kernel|user   a signal the kernel sent, or a kill-family call's
//   kind=signal|call|exit|oom
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "record/command_tree.h"
#include "record/live_facts.h"

namespace sigrec::record {

class LiveFilter {
 public:
  static constexpr const char* kSyntax =
      "all, tree, probes, pid=N, comm=NAME, signal=SIG, origin=kernel|user, "
      "kind=signal|call|exit|oom, joined by ',' (all must hold); alternatives by '|'; != negates";

  // Everything but probes.
  LiveFilter() = default;
  // TEXT as given to --print-filter; HAVE_COMMAND: sigrec runs a command,
  // so `tree` means something. Throws std::runtime_error with a one-line
  // message naming the bad term.
  static LiveFilter parse(const std::string& text, bool haveCommand);
  // Without --print-filter: the command's tree (signals into it included)
  // with a command, else everything; never probes.
  static LiveFilter byDefault(bool haveCommand);

  bool shows(const LiveFacts& facts, const CommandTree& tree) const;

 private:
  enum class Key { kTree, kPid, kComm, kSignal, kOrigin, kKind };
  struct Term {
    Key key = Key::kTree;
    bool negated = false;
    std::vector<int64_t> numbers;    // pids, signals, LiveOrigin or LiveKind values
    std::vector<std::string> names;  // comms
  };
  static Term parseTerm(const std::string& text);
  static bool holds(const Term& term, const LiveFacts& facts, const CommandTree& tree);

  std::vector<Term> terms_;  // all must hold
  bool probes_ = false;
};

}  // namespace sigrec::record
