// sigan's command line, separate from main() so tests can run it in-process.
#pragma once

#include <cstddef>
#include <iosfwd>
#include <string>
#include <vector>

namespace sigrec::analyze {

// What main() found out about the streams: tests run sigan in-process on
// string streams, which are no terminal.
struct Terminals {
  size_t outColumns = 0;       // width of the terminal OUT is; 0: none, tables are never cut
  bool errIsTerminal = false;  // long imports show a progress line on ERR
};

// Returns the exit status (analyze/cli/exit_status.h); failures are one line
// "sigan: ..." on ERR.
int runSigan(const std::vector<std::string>& args, std::ostream& out, std::ostream& err,
             Terminals terminals = {});

}  // namespace sigrec::analyze
