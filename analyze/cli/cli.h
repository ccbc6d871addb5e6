// sigan's command line, separate from main() so tests can run it in-process.
#pragma once

#include <iosfwd>
#include <string>
#include <vector>

namespace sigrec::analyze {

// Exit status: 0 success, 1 error (one line "sigan: ..." on ERR), 2 usage.
int runSigan(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

}  // namespace sigrec::analyze
