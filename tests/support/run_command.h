// Runs a shell command line and collects its status and output.
#pragma once

#include <map>
#include <string>

namespace sigrec::testing {

struct CommandResult {
  int status = -1;  // exit status, or 128+N if killed by signal N
  std::string out;  // stdout
  std::string err;  // stderr
};

CommandResult runCommand(const std::string& commandLine);

// The `key=number` lines a scenario program printed (other lines ignored).
std::map<std::string, long> keyValues(const std::string& output);

// The whole content of PATH; empty if it cannot be read.
std::string readFile(const std::string& path);

}  // namespace sigrec::testing
