// The query commands' names, options and help pages: one place that says
// what each command takes, so `sigan COMMAND --help` and the parser agree.
#pragma once

#include <boost/program_options.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace sigrec::analyze {

// The values the options of every command fill.
struct CommandOptions {
  std::string formatText = "table", timeText = "utc", output, startTime, signalText, since, until;
  std::string unit, container, cgroup, comm, cmdline;
  uint32_t pidFilter = 0;
  bool wide = false;
  bool all = false;  // --all: not only the command's scope
};

// The commands this parser handles (export and report have their own).
const std::vector<std::string>& queryCommands();

boost::program_options::options_description commandOptions(const std::string& command,
                                                           CommandOptions& o);

// `sigan COMMAND --help`: synopsis, what it answers, its options, an example.
std::string commandHelp(const std::string& command);

}  // namespace sigrec::analyze
