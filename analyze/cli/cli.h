// sigan's command line, separate from main() so tests can run it in-process.
#pragma once

#include <cstddef>
#include <iosfwd>
#include <string>
#include <vector>

namespace sigrec::analyze {

// Returns the exit status (analyze/cli/exit_status.h); failures are one line
// "sigan: ..." on ERR. TERMINAL_COLUMNS: the width of the terminal OUT is,
// 0 if it is none (tables are then never cut).
int runSigan(const std::vector<std::string>& args, std::ostream& out, std::ostream& err,
             size_t terminalColumns = 0);

}  // namespace sigrec::analyze
