// `sigrec --check`: a preflight for a new fleet. Loads and attaches every
// BPF program alone, reports each one and the kernel features and
// fallbacks, and records nothing.
#pragma once

#include "record/options.h"

namespace sigrec::record {

// Prints the report on stdout. Returns 0 when every program loads (all
// would be recorded), 1 otherwise.
int runCheck(const Options& opt);

}  // namespace sigrec::record
