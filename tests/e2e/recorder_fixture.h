// Runs the real sigrec on a scenario and loads what it wrote.
#pragma once

#include <map>
#include <string>

#include "tests/support/loaded_capture.h"
#include "tests/support/run_command.h"
#include "tests/support/temp_dir.h"

namespace sigrec::testing {

struct Recording {
  CommandResult result;               // sigrec's status and output
  std::map<std::string, long> value;  // key=value lines the scenario printed
  LoadedCapture capture;
};

// `sigrec -o TMP EXTRA_ARGS -- scenario NAME`; fails the test if sigrec did.
Recording recordScenario(const std::string& name, const std::string& extraArgs = "");

std::string sigrecPath();
std::string scenarioPath();

}  // namespace sigrec::testing
