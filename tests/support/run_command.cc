#include "tests/support/run_command.h"
#include "tests/support/temp_dir.h"

#include <sys/wait.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace sigrec::testing {

CommandResult runCommand(const std::string& commandLine) {
  TempDir dir;
  std::string outFile = dir.file("stdout"), errFile = dir.file("stderr");
  std::string full = "(" + commandLine + ") >" + outFile + " 2>" + errFile + " </dev/null";
  int raw = std::system(full.c_str());
  CommandResult result;
  if (WIFEXITED(raw)) result.status = WEXITSTATUS(raw);
  if (WIFSIGNALED(raw)) result.status = 128 + WTERMSIG(raw);
  std::stringstream out, err;
  out << std::ifstream(outFile).rdbuf();
  err << std::ifstream(errFile).rdbuf();
  result.out = out.str();
  result.err = err.str();
  return result;
}

std::string readFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

std::map<std::string, long> keyValues(const std::string& output) {
  std::map<std::string, long> values;
  std::istringstream lines(output);
  std::string line;
  while (std::getline(lines, line)) {
    auto eq = line.find('=');
    if (eq == std::string::npos) continue;
    try {
      values[line.substr(0, eq)] = std::stol(line.substr(eq + 1));
    } catch (const std::exception&) {  // not a number: not one of ours
    }
  }
  return values;
}

}  // namespace sigrec::testing
