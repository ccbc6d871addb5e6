// An error that stops sigrec, with a one-line message saying what to do.
#pragma once

#include <stdexcept>
#include <string>

namespace sigrec::record {

class RecordError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace sigrec::record
