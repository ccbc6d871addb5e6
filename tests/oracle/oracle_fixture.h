// Runs a workload under `sigrec -- strace -f ...`, reads both views, and
// compares them (tests/oracle/README.md).
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "tests/oracle/compare.h"
#include "tests/oracle/sigan_view.h"
#include "tests/oracle/strace_log.h"
#include "tests/scenarios/scenario_fixture.h"

namespace sigrec::oracle {

struct OracleRun {
  std::unique_ptr<testing::TempDir> traceDir;
  testing::ScenarioRun run;
  StraceLog strace;
  SiganView sigan;
  Differences diff;
  Agreement agreed;
};

// COMMAND (a workload's command line, run in its own session) under strace
// under sigrec.
OracleRun runOracle(const std::string& command);

// A shell command line as one argument for bash -c.
std::string bash(const std::string& script);
// The path of tests/oracle/workloads/NAME in the source tree.
std::string workload(const std::string& name);

// One gtest failure per kind of check that found a difference, with the
// differences themselves (the first ones; the count of all).
void expectAgreement(const OracleRun& r);

}  // namespace sigrec::oracle
