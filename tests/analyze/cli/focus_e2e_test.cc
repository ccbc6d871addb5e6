// The focused first answer on real captures: each scenario program the
// scenario suite records (tests/scenarios/programs), recorded again with
// the real sigrec, and `who-killed PID CAPTURE` checked against the full
// import for the pids in it (tests/analyze/cli/focus_differential.h).
#include <gtest/gtest.h>

#include <cctype>

#include "tests/analyze/cli/focus_differential.h"
#include "tests/scenarios/scenario_fixture.h"
#include "tests/support/bpf_guard.h"

namespace sigrec::testing {
namespace {

// The command lines of tests/scenarios/*_test.cc, one per program and mode.
const char* const kRuns[] = {
    "group_kill",
    "pid_reuse",
    "thread_signals tkill",
    "thread_signals tgkill",
    "thread_signals raise",
    "threads_exit exit-group",
    "threads_exit fatal-signal",
    "threads_exit sigterm",
    "kill_probes missing",
    "kill_probes eperm",
    "kill_probes probe",
    "queue_signals pidfd",
    "queue_signals sigqueue",
    "sigchld",
    "orphan subreaper",
    "short_sender",
    "pidns",
    "faults segv",
    "abort_core nocore",
    "stop_cont stop-cont",
    "sigpipe",
    "timers alarm",
    "timers posix",
    "pdeath process",
    "cgroup_kill",
    "forge",
    "seccomp",
};

class FocusE2e : public ::testing::TestWithParam<const char*> {
 protected:
  void SetUp() override { SIGREC_REQUIRE_ROOT_OR_SKIP(); }
};

TEST_P(FocusE2e, FocusedAnswerIsTheFullImports) {
  const std::string line = GetParam();
  const std::string name = line.substr(0, line.find(' '));
  const std::string args = line.size() > name.size() ? line.substr(name.size()) : "";
  ScenarioRun run = runScenario(program(name) + args);
  // The recording is machine-wide: the command's own processes first.
  EXPECT_GT(expectFocusInvisible(run.capture, {}, 24), 1u);
}

INSTANTIATE_TEST_SUITE_P(Programs, FocusE2e, ::testing::ValuesIn(kRuns),
                         [](const ::testing::TestParamInfo<const char*>& info) {
                           std::string name = info.param;
                           for (char& c : name)
                             if (!isalnum(static_cast<unsigned char>(c))) c = '_';
                           return name;
                         });

}  // namespace
}  // namespace sigrec::testing
