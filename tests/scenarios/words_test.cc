// who-killed's table says what the kernel did in words (issue 14, item 6;
// docs/sigan.md "who-killed"): a signal that reached a dying process, a run
// of SIGCHLDs, a kernel signal's context task.
#include <gtest/gtest.h>

#include <regex>

#include "tests/scenarios/scenario_fixture.h"
#include "tests/support/bpf_guard.h"

namespace sigrec::testing {
namespace {

class WordsScenario : public ::testing::Test {
 protected:
  void SetUp() override { SIGREC_REQUIRE_ROOT_OR_SKIP(); }
};

TEST_F(WordsScenario, ASignalToADyingProcessIsTooLateNotIgnored) {
  auto run = runScenario(program("late_signals"));
  long victim = run["victim"];
  Json late;
  for (const Json& r : run.whoKilled(victim))
    if (r["signal_name"] == "SIGINT") late = r;
  ASSERT_FALSE(late.is_null());
  EXPECT_EQ(late["result"], "ignored") << late.dump();
  EXPECT_EQ(late["while_dying"], true) << late.dump();
  std::string table = run.siganText("who-killed " + std::to_string(victim), "table");
  EXPECT_TRUE(std::regex_search(table, std::regex("SIGINT .* too late \\(dying\\)"))) << table;
  EXPECT_EQ(table.find(" ignored "), std::string::npos) << table;
  // The fatal SIGTERM itself came first: not too late.
  for (const Json& r : run.whoKilled(victim)) {
    if (r["signal_name"] == "SIGTERM") {
      EXPECT_EQ(r["while_dying"], false) << r.dump();
    }
  }
}

TEST_F(WordsScenario, ARunOfSigchldIsOneLineInTheTable) {
  auto run = runScenario(program("late_signals"));
  long parent = run["parent"];
  size_t sigchld = 0;
  for (const Json& r : run.whoKilled(parent)) sigchld += r["signal_name"] == "SIGCHLD";
  EXPECT_EQ(sigchld, 4u);  // every row stays in JSON
  std::string table = run.siganText("who-killed " + std::to_string(parent), "table");
  EXPECT_NE(table.find("4 x SIGCHLD from children"), std::string::npos) << table;
  EXPECT_EQ(table.find("CLD_EXITED"), std::string::npos) << table;
}

// A fault is the faulting task's own doing: the kernel acted "in" it.
TEST_F(WordsScenario, AKernelSignalNamesItsCauseAndItsTask) {
  auto run = runScenario(program("faults") + " segv");
  long child = run["child"];
  std::string table = run.siganText("who-killed " + std::to_string(child), "table");
  EXPECT_NE(table.find("kernel (fault in " + std::to_string(child) + " "), std::string::npos)
      << table;
}

}  // namespace
}  // namespace sigrec::testing
