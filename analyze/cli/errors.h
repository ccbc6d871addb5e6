// Errors meant for the user as one line ("sigan: MESSAGE"). The class says
// which exit status it ends with (analyze/cli/exit_status.h).
#pragma once

#include <stdexcept>

namespace sigrec::analyze {

// The sources cannot answer: missing or unreadable file, not a capture,
// unknown pid, bad SQL. Status 1.
class UserError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// The command line itself is wrong (unknown option, malformed pid, time or
// signal), whatever the sources hold. Status 2.
class UsageError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace sigrec::analyze
