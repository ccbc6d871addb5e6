// Errors meant for the user as one line ("sigan: MESSAGE"): bad arguments,
// unknown pids, files that are not what they should be.
#pragma once

#include <stdexcept>

namespace sigrec::analyze {

class UserError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace sigrec::analyze
