// Runs a scenario under the real sigrec and asks the real sigan about it.
#pragma once

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "tests/support/run_command.h"
#include "tests/support/temp_dir.h"

namespace sigrec::testing {

using Json = nlohmann::json;

struct ScenarioRun {
  std::unique_ptr<TempDir> dir;
  std::string capture;                // path of the capture file
  CommandResult result;               // sigrec's status and output
  std::map<std::string, long> value;  // key=value lines the scenario printed

  long operator[](const std::string& key) const;
  // `sigan ARGS CAPTURE --format json`, parsed; the test fails if sigan does.
  std::vector<Json> sigan(const std::string& args) const;
  // Rows of `sigan who-killed PID` / `sigan exits --pid PID`.
  std::vector<Json> whoKilled(long pid) const { return sigan("who-killed " + std::to_string(pid)); }
  Json exitOf(long pid) const;
  // `sigan ARGS CAPTURE --format FORMAT` as printed (table or csv).
  std::string siganText(const std::string& args, const std::string& format) const;
  // Rows of `sigan sql QUERY`.
  std::vector<Json> sql(const std::string& query) const;
};

// `BEFORE; sigrec -o TMP/capture.sigrec [SIGREC_ARGS] -- COMMAND_LINE`
// (BEFORE runs in the same shell, e.g. to start a process beforehand).
ScenarioRun runScenario(const std::string& commandLine, const std::string& sigrecArgs = "",
                        const std::string& before = "");
// COMMAND_LINE run by sh -c, quoted.
std::string shell(const std::string& commandLine);
// The path of scenario program NAME (tests/scenarios/programs/NAME.cc).
std::string program(const std::string& name);

}  // namespace sigrec::testing
