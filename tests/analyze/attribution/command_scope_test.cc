// The command scope (analyze/attribution/command_scope.h) on a synthetic
// capture of `sigrec -- CMD` whose command's pid is reused by a process
// outside its tree, and sigan's exits over it, scoped and with --all.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <map>
#include <sstream>

#include "analyze/cli/cli.h"
#include "tests/support/capture_builder.h"

namespace sigrec::analyze {
namespace {

using nlohmann::json;
using testing::kMs;
using testing::kSec;
using testing::Task;

constexpr uint64_t kT0 = 1000 * kSec;

struct World {
  Task bash{1000, 1000, 500 * kSec, "bash"};
  Task root{5000, 5000, kT0 + 1 * kSec + 7, "make"};  // the command
  Task child{5100, 5100, kT0 + 1100 * kMs + 3, "cc"};
  Task killer{6000, 6000, kT0 + 1200 * kMs + 1, "pkill"};
  Task prober{6100, 6100, kT0 + 1300 * kMs + 1, "evil"};
  Task bystander{6200, 6200, kT0 + 1400 * kMs + 1, "cron"};
  Task reused{5000, 5000, kT0 + 3 * kSec + 9, "make"};  // the command's pid, later

  testing::CaptureBuilder build(bool namesCommand) const {
    using S = schema::Syscall;
    testing::CaptureBuilder b;
    b.command = {"make"};
    if (namesCommand) {
      b.commandPid = root.pid;
      b.commandStartNs = kT0 + 1 * kSec;  // /proc's tick
    }
    b.process({1000, 1, 500 * kSec, "bash", "/bin/bash", {"bash"}});
    b.fork(kT0 + 1 * kSec, bash, root.pid, root.startNs)
        .fork(kT0 + 1100 * kMs, root, child.pid, child.startNs)
        .fork(kT0 + 1200 * kMs, bash, killer.pid, killer.startNs)
        .fork(kT0 + 1300 * kMs, bash, prober.pid, prober.startNs)
        .fork(kT0 + 1400 * kMs, bash, bystander.pid, bystander.startNs)
        .generate(kT0 + 1500 * kMs, killer, 15, 0, child, S::KILL, kT0 + 1500 * kMs - 10)
        .killCall(kT0 + 1500 * kMs + 5, killer, S::KILL, kT0 + 1500 * kMs - 10, 0, {5100, 15}, 1)
        .killCall(kT0 + 1600 * kMs, prober, S::KILL, kT0 + 1600 * kMs - 10, -1, {5000, 9}, 0)
        .exit(kT0 + 1700 * kMs, child, 15, true, root.pid, root.startNs)
        .exit(kT0 + 1800 * kMs, killer, 0, true, bash.pid, bash.startNs)
        .exit(kT0 + 1900 * kMs, prober, 1 << 8, true, bash.pid, bash.startNs)
        .exit(kT0 + 2000 * kMs, bystander, 0, true, bash.pid, bash.startNs)
        .exit(kT0 + 2500 * kMs, root, 0, true, bash.pid, bash.startNs)
        .fork(kT0 + 3 * kSec, bash, reused.pid, reused.startNs)
        .exit(kT0 + 3500 * kMs, reused, 0, true, bash.pid, bash.startNs);
    return b;
  }
};

class CommandScopeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    World().build(true).write(dir_ / "scoped.sigrec");
    World().build(false).write(dir_ / "unnamed.sigrec");
  }
  // pid -> start_ns of each exit `sigan exits ARGS FILE` lists.
  std::multimap<long, std::string> exits(const std::string& file,
                                         std::vector<std::string> args = {}) {
    args.insert(args.begin(), "exits");
    args.push_back((dir_ / file).string());
    args.insert(args.end(), {"--format", "json"});
    std::ostringstream out, err;
    EXPECT_EQ(runSigan(args, out, err), 0) << err.str();
    std::multimap<long, std::string> found;
    std::istringstream in(out.str());
    for (std::string line; std::getline(in, line);) {
      json row = json::parse(line);
      found.emplace(row["pid"].get<long>(), row["start_time"].get<std::string>());
    }
    return found;
  }
  testing::TempDir dir_;
};

TEST_F(CommandScopeTest, TheTreeAndItsSignallersOnlyByInstance) {
  auto found = exits("scoped.sigrec");
  EXPECT_EQ(found.count(5000), 1u) << "the command, not the later holder of its pid";
  EXPECT_EQ(found.count(5100), 1u);  // its child
  EXPECT_EQ(found.count(6000), 1u);  // sent SIGTERM to the child
  EXPECT_EQ(found.count(6100), 1u);  // a failed kill at the command
  EXPECT_EQ(found.count(6200), 0u);  // touched nothing of the tree
  EXPECT_EQ(found.size(), 4u);
  EXPECT_EQ(found.find(5000)->second, "2026-11-23T14:00:01.000000007Z");
}

TEST_F(CommandScopeTest, AllListsEveryExit) {
  auto found = exits("scoped.sigrec", {"--all"});
  EXPECT_EQ(found.count(5000), 2u);
  EXPECT_EQ(found.count(6200), 1u);
  EXPECT_EQ(found.size(), 6u);
}

TEST_F(CommandScopeTest, ACaptureThatDoesNotNameItsCommandIsNotScoped) {
  EXPECT_EQ(exits("unnamed.sigrec").size(), 6u);
}

TEST_F(CommandScopeTest, SqlSeesTheScopeColumns) {
  const std::string sql =
      "SELECT p.pid, p.scope, p.in_scope, c.command_pid, c.command_id = p.id AS root"
      " FROM processes p JOIN captures c ON c.id = p.capture_id ORDER BY p.start_ns, p.pid";
  std::ostringstream out, err;
  ASSERT_EQ(runSigan({"sql", sql, (dir_ / "scoped.sigrec").string(), "--format", "csv"}, out, err),
            0)
      << err.str();
  EXPECT_EQ(out.str(),
            "pid,scope,in_scope,command_pid,root\n"
            "1000,,0,5000,0\n"
            "5000,command,1,5000,1\n"
            "5100,tree,1,5000,0\n"
            "6000,signaller,1,5000,0\n"
            "6100,signaller,1,5000,0\n"
            "6200,,0,5000,0\n"
            "5000,,0,5000,0\n");
}

}  // namespace
}  // namespace sigrec::analyze
