// The command run under recording (`sigrec -- COMMAND`).
#pragma once

#include <sys/types.h>

#include <optional>
#include <string>
#include <vector>

#include "record/record_error.h"

namespace sigrec::record {

// The command could not be started; status() is what sigrec exits with.
class CommandStartError : public RecordError {
 public:
  CommandStartError(int status, const std::string& message)
      : RecordError(message), status_(status) {}
  int status() const { return status_; }

 private:
  int status_;
};

class ChildCommand {
 public:
  // Forks and execs ARGV (PATH lookup). Throws CommandStartError if it cannot
  // be started, with status 127 (not found) or 126 (not executable), as
  // shells do.
  explicit ChildCommand(const std::vector<std::string>& argv);
  ~ChildCommand();
  ChildCommand(const ChildCommand&) = delete;
  ChildCommand& operator=(const ChildCommand&) = delete;

  pid_t pid() const { return pid_; }
  // Reaps the child if it has exited; returns sigrec's exit status for it:
  // its own status, or 128+N if signal N killed it.
  std::optional<int> poll();
  void signal(int sig) const;

 private:
  pid_t pid_ = -1;
  std::optional<int> status_;
};

}  // namespace sigrec::record
