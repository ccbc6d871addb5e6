// The process tree of the command sigrec runs (`sigrec -- COMMAND`), followed
// live from the fork and exit records as the live view reads them
// (docs/sigrec.md, "Live view"): the command, and every process a member
// forks, until it exits. A member whose parent dies stays a member (a
// daemonised child is still the command's). Processes are kept by pid, and a
// pid leaves with its process's exit: the kernel reuses pids, and the
// record of a reuse's fork always comes after the exit (the pid is freed
// only once the dead process is reaped).
#pragma once

#include <cstdint>
#include <unordered_set>

#include "schema/capture.capnp.h"

namespace sigrec::record {

class CommandTree {
 public:
  void add(uint32_t pid) { members_.insert(pid); }
  bool contains(uint32_t pid) const { return members_.count(pid) != 0; }
  size_t size() const { return members_.size(); }
  // Takes a member's fork (its child joins) or exit (it leaves) into account.
  void follow(schema::Event::Reader e);

 private:
  std::unordered_set<uint32_t> members_;
};

}  // namespace sigrec::record
