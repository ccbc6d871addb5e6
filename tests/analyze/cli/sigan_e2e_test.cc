// Records a small real scenario with sigrec (real BPF) and checks what sigan
// answers about it. Needs root; skips without it unless SIGREC_REQUIRE_BPF=1.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <memory>
#include <fstream>
#include <map>
#include <sstream>

#include "tests/support/bpf_guard.h"
#include "tests/support/paths.h"
#include "tests/support/run_command.h"
#include "tests/support/temp_dir.h"

namespace sigrec::testing {
namespace {

using nlohmann::json;

// Each step writes NAME=PID to the pids file so the test knows whom to ask about.
constexpr const char* kScript = R"(
P="$1"
sleep 30 & victim=$!; echo victim=$victim >> "$P"
sleep 0.2
/bin/kill -TERM $victim; wait $victim
timeout 0.2 sleep 30
sh -c 'echo yes=$$ >> "$1"; exec yes' sh "$P" | head -n 1 > /dev/null
sh -c 'echo three=$$ >> "$1"; exit 3' sh "$P"
true
)";

class SiganE2eTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    if (::geteuid() != 0) return;
    dir_ = std::make_unique<TempDir>();
    std::ofstream(dir_->file("scenario.sh")) << kScript;
    std::string sigrec = buildDir() + "/sigrec";
    if (!std::filesystem::exists(sigrec)) return;
    CommandResult r = runCommand(sigrec + " -o " + dir_->file("c.sigrec") + " -- sh " +
                                 dir_->file("scenario.sh") + " " + dir_->file("pids"));
    recorded_ = r.status == 0 && std::filesystem::exists(dir_->file("c.sigrec"));
    recordError_ = r.err;
    pids_ = keyValues(readFile(dir_->file("pids")));
  }
  static void TearDownTestSuite() { dir_.reset(); }

  void SetUp() override {
    SIGREC_REQUIRE_RECORDER_OR_SKIP();
    ASSERT_TRUE(recorded_) << recordError_;
  }

  static std::vector<json> sigan(const std::string& args) {
    CommandResult r =
        runCommand(buildDir() + "/sigan " + args + " " + dir_->file("c.sigrec") + " --format json");
    EXPECT_EQ(r.status, 0) << r.err;
    std::vector<json> rows;
    std::istringstream in(r.out);
    for (std::string line; std::getline(in, line);) rows.push_back(json::parse(line));
    return rows;
  }
  static long pid(const std::string& name) { return pids_.at(name); }

  static std::unique_ptr<TempDir> dir_;
  static bool recorded_;
  static std::string recordError_;
  static std::map<std::string, long> pids_;
};
std::unique_ptr<TempDir> SiganE2eTest::dir_;
bool SiganE2eTest::recorded_ = false;
std::string SiganE2eTest::recordError_;
std::map<std::string, long> SiganE2eTest::pids_;

TEST_F(SiganE2eTest, WhoKilledNamesTheShortLivedKillCommand) {
  auto rows = sigan("who-killed " + std::to_string(pid("victim")));
  ASSERT_EQ(rows.size(), 1u);
  const json& r = rows[0];
  EXPECT_EQ(r["signal_name"], "SIGTERM");
  EXPECT_EQ(r["origin"], "kill");
  EXPECT_EQ(r["code"], "SI_USER");
  EXPECT_EQ(r["sender_comm"], "kill");
  EXPECT_EQ(r["sender_cmdline"], "/bin/kill -TERM " + std::to_string(pid("victim")));
  ASSERT_FALSE(r["sender_ancestry"].empty());
  EXPECT_EQ(r["sender_ancestry"][0]["comm"], "sh");
  EXPECT_EQ(r["result"], "delivered");
  EXPECT_EQ(r["fatal"], true);
}

TEST_F(SiganE2eTest, ExitsExplainEveryEnding) {
  std::map<long, json> byPid;
  bool timeoutKill = false;
  for (const json& row : sigan("exits")) {
    byPid[row["pid"].get<long>()] = row;
    if (row["comm"] == "sleep" && row["killer_comm"] == "timeout") {
      timeoutKill = row["signal_name"] == "SIGTERM" && row["origin"] == "kill";
    }
  }
  EXPECT_TRUE(timeoutKill);
  const json& victim = byPid.at(pid("victim"));
  EXPECT_EQ(victim["reason"], "signal");
  EXPECT_EQ(victim["killer_comm"], "kill");
  const json& yes = byPid.at(pid("yes"));
  EXPECT_EQ(yes["signal_name"], "SIGPIPE");
  EXPECT_EQ(yes["origin"], "kernel");
  const json& three = byPid.at(pid("three"));
  EXPECT_EQ(three["reason"], "exit");
  EXPECT_EQ(three["exit_status"], 3);
}

TEST_F(SiganE2eTest, InfoSaysTheCaptureIsComplete) {
  auto rows = sigan("info");
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0]["trailer"], true);
  EXPECT_EQ(rows[0]["lost"], 0);
  EXPECT_GT(rows[0]["events_by_kind"]["exec"].get<long>(), 4);
}

}  // namespace
}  // namespace sigrec::testing
