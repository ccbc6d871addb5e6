// Kill-call targets recorded with the real sigrec (root + BPF): calls made
// inside a pid namespace name pids of that namespace, and calls aimed at a
// zombie name the process that still holds the pid.
#include <gtest/gtest.h>

#include <string>

#include "tests/scenarios/scenario_fixture.h"
#include "tests/support/bpf_guard.h"
#include "tests/support/paths.h"

namespace sigrec::testing {
namespace {

std::string analyzeProgram(const std::string& name) {
  return buildDir() + "/tests/analyze/programs/" + name;
}

// Every kill call of CALLER, in order: arg0, arg1, ret, target pid (host),
// target_host_pid, target instance pid (null when no target).
std::vector<Json> callsOf(const ScenarioRun& run, long caller) {
  return run.sql(
      "SELECT k.arg0, k.arg1, k.ret, k.target_pid, k.target_host_pid, p.pid AS target"
      " FROM kill_calls k LEFT JOIN processes p ON p.id = k.target_id WHERE k.caller_pid = " +
      std::to_string(caller) + " ORDER BY k.enter_ns");
}

class KillTargetE2e : public ::testing::Test {
 protected:
  void SetUp() override { SIGREC_REQUIRE_ROOT_OR_SKIP(); }
};

TEST_F(KillTargetE2e, CallsInAPidNamespaceNameThatNamespacesProcesses) {
  SIGREC_SKIP_WITHOUT_SYSCALL_HOOKS();  // names the targets of calls that send nothing
  ScenarioRun run = runScenario(analyzeProgram("ns_kill"));
  ASSERT_EQ(run.result.status, 0) << run.result.err;
  const long victim = run["victim"], init = run["init"], sibling = run["sibling"];
  ASSERT_EQ(run["probe_ret"], 0);
  ASSERT_EQ(run["zombie_ret"], 0);
  ASSERT_EQ(run["reaped_ret"], -1);

  auto byInit = callsOf(run, init);
  ASSERT_EQ(byInit.size(), 3u) << Json(byInit).dump();
  for (size_t i = 0; i < 2; ++i) {  // kill(2, 0), then kill(2, SIGKILL) at the zombie
    EXPECT_EQ(byInit[i]["arg0"], 2);
    EXPECT_EQ(byInit[i]["ret"], 0);
    EXPECT_EQ(byInit[i]["target_pid"], 2) << "the number as passed";
    EXPECT_EQ(byInit[i]["target_host_pid"], victim);
    EXPECT_EQ(byInit[i]["target"], victim);
  }
  // After the reaping: ESRCH, nobody had pid 2 in the namespace.
  EXPECT_EQ(byInit[2]["ret"], -3);
  EXPECT_TRUE(byInit[2]["target"].is_null()) << byInit[2].dump();
  EXPECT_TRUE(byInit[2]["target_host_pid"].is_null()) << byInit[2].dump();

  auto bySibling = callsOf(run, sibling);
  ASSERT_EQ(bySibling.size(), 1u);
  EXPECT_EQ(bySibling[0]["target"], victim);

  // The probe sent nothing: the timeline of the victim shows it, and no
  // answer about host pid 2 (kthreadd) mentions these callers.
  bool probeShown = false;
  for (const Json& row : run.sigan("timeline --pid " + std::to_string(victim)))
    probeShown |= row["kind"] == "kill_call" && row["pid"] == init;
  EXPECT_TRUE(probeShown);
  for (const Json& row : run.sigan("timeline --pid 2"))
    EXPECT_TRUE(row["pid"] != init && row["pid"] != sibling) << row.dump();
  for (const Json& row : run.whoKilled(2))
    EXPECT_TRUE(row["sender_pid"] != init && row["sender_pid"] != sibling) << row.dump();
}

TEST_F(KillTargetE2e, ACallAtAZombieNamesIt) {
  SIGREC_SKIP_WITHOUT_SYSCALL_HOOKS();  // names the targets of calls that send nothing
  ScenarioRun run = runScenario(analyzeProgram("zombie_kill"));
  ASSERT_EQ(run.result.status, 0) << run.result.err;
  ASSERT_EQ(run["zombie_ret"], 0);
  ASSERT_EQ(run["reaped_ret"], -1);
  ASSERT_EQ(run["again_ret"], 0);
  const long exited = run["exited"], killed = run["killed"];
  auto calls = run.sql(
      "SELECT k.arg0, k.ret, p.pid AS target, k.target_host_pid FROM kill_calls k"
      " LEFT JOIN processes p ON p.id = k.target_id"
      " WHERE k.arg0 IN (" +
      std::to_string(exited) + ", " + std::to_string(killed) +
      ")"
      " ORDER BY k.enter_ns");
  ASSERT_EQ(calls.size(), 4u) << Json(calls).dump();
  EXPECT_EQ(calls[0]["target"], exited) << "the zombie still holds its pid";
  EXPECT_EQ(calls[1]["ret"], -3);
  EXPECT_TRUE(calls[1]["target"].is_null()) << "ESRCH: reaped, nobody holds it";
  EXPECT_EQ(calls[1]["target_host_pid"], exited) << "the number as passed, a host pid";
  EXPECT_EQ(calls[2]["target"], killed);
  EXPECT_EQ(calls[3]["target"], killed) << "SIGKILL again at the zombie";
}

}  // namespace
}  // namespace sigrec::testing
