// The command line of `sigan export` and `sigan report`, which take options
// of their own (--format ndjson|csv is not the query commands' format).
#pragma once

#include <iosfwd>
#include <string>
#include <vector>

namespace sigrec::analyze::exporting {

// COMMAND is "export" or "report"; ARGS follow it. Usage mistakes throw
// boost::program_options errors (status 2), the rest UserError & co.
int runExportCommand(const std::string& command, const std::vector<std::string>& args,
                     std::ostream& out, std::ostream& err);

}  // namespace sigrec::analyze::exporting
