// Parsing of --signal lists ("TERM,SIGKILL,9").
#pragma once

#include <cstdint>
#include <string>

namespace sigrec::record {

// Returns a mask with bit (n-1) set for each signal n; throws
// std::runtime_error naming the first entry that is not a signal.
uint64_t parseSignalList(const std::string& list);

}  // namespace sigrec::record
