// Records `sigrec -- CMD` with the real sigrec (real BPF) while a process
// started before it, outside the command's tree, runs a bystander and kills
// one of the command's children; checks that sigan answers for the command's
// scope by default (docs/sigan.md, "Scope"), for everything with --all, and
// lists instances by name (who-killed --comm/--cmdline). Needs root; skips
// without it unless SIGREC_REQUIRE_BPF=1.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <memory>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <set>
#include <sstream>

#include "tests/support/bpf_guard.h"
#include "tests/support/paths.h"
#include "tests/support/run_command.h"
#include "tests/support/temp_dir.h"

namespace sigrec::testing {
namespace {

using nlohmann::json;

// The command: two runs of `sleep 30`, the first killed from outside, the
// second by timeout (so --comm sleep has two instances with two answers).
// It waits for the outside killer to end before it exits, so that the
// killer's exit is in the capture.
constexpr const char* kCommand = R"(
P="$1"
echo root=$$ >> "$P"
sleep 30 & victim=$!; echo victim=$victim >> "$P"
wait $victim
timeout 0.2 sleep 30
while ! grep -q done= "$P"; do sleep 0.05; done
sleep 0.2
)";

// Outside: started before sigrec, so it is no descendant of the command. It
// waits for the victim, runs a bystander (a process that never touches the
// tree), and kills the victim with the shell's builtin kill, so that this
// shell itself is the signaller.
constexpr const char* kOutside = R"(
P="$1"
while ! grep -q victim= "$P" 2>/dev/null; do sleep 0.02; done
v=$(sed -n 's/^victim=//p' "$P")
sh -c 'echo bystander=$$ >> "$1"; exit 7' sh "$P"
sleep 0.1
echo killer=$$ >> "$P"
kill -TERM "$v"
echo done=1 >> "$P"
)";

class ScopeE2eTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    if (::geteuid() != 0) return;
    dir_ = std::make_unique<TempDir>();
    std::ofstream(dir_->file("command.sh")) << kCommand;
    std::ofstream(dir_->file("outside.sh")) << kOutside;
    std::string sigrec = buildDir() + "/sigrec";
    if (!std::filesystem::exists(sigrec)) return;
    const std::string pids = dir_->file("pids");
    runCommand("(sh " + dir_->file("outside.sh") + " " + pids + " >/dev/null 2>&1 &)");
    CommandResult r = runCommand("timeout 60 " + sigrec + " -o " + capture() + " -- sh " +
                                 dir_->file("command.sh") + " " + pids);
    recorded_ = r.status == 0 && std::filesystem::exists(capture());
    recordError_ = r.err;
    pids_ = keyValues(readFile(pids));
  }
  static void TearDownTestSuite() { dir_.reset(); }

  void SetUp() override {
    SIGREC_REQUIRE_RECORDER_OR_SKIP();
    ASSERT_TRUE(recorded_) << recordError_;
    for (const char* name : {"root", "victim", "bystander", "killer"})
      ASSERT_TRUE(pids_.count(name)) << name << " did not run";
  }

  static std::string capture() { return dir_->file("c.sigrec"); }
  static CommandResult run(const std::string& args) {
    return runCommand(buildDir() + "/sigan " + args + " " + capture());
  }
  static std::vector<json> rows(const std::string& args, std::string* err = nullptr) {
    CommandResult r = run(args + " --format json");
    EXPECT_EQ(r.status, 0) << r.err;
    if (err) *err = r.err;
    std::vector<json> out;
    std::istringstream in(r.out);
    for (std::string line; std::getline(in, line);) out.push_back(json::parse(line));
    return out;
  }
  static std::map<long, json> exitsByPid(const std::string& args, std::string* err = nullptr) {
    std::map<long, json> byPid;
    for (const json& row : rows("exits " + args, err)) byPid[row["pid"].get<long>()] = row;
    return byPid;
  }
  static long pid(const std::string& name) { return pids_.at(name); }

  static std::unique_ptr<TempDir> dir_;
  static bool recorded_;
  static std::string recordError_;
  static std::map<std::string, long> pids_;
};
std::unique_ptr<TempDir> ScopeE2eTest::dir_;
bool ScopeE2eTest::recorded_ = false;
std::string ScopeE2eTest::recordError_;
std::map<std::string, long> ScopeE2eTest::pids_;

TEST_F(ScopeE2eTest, ExitsShowTheCommandTreeAndItsOutsideKiller) {
  std::string err;
  auto exits = exitsByPid("", &err);
  ASSERT_TRUE(exits.count(pid("victim")));
  EXPECT_EQ(exits[pid("victim")]["signal_name"], "SIGTERM");
  EXPECT_EQ(exits[pid("victim")]["killer_pid"], pid("killer"));
  // The killer is outside the tree, and listed: it signalled into it.
  EXPECT_TRUE(exits.count(pid("killer")));
  EXPECT_FALSE(exits.count(pid("bystander")));
  EXPECT_NE(err.find("sigan: note: scope: command tree of pid " + std::to_string(pid("root"))),
            std::string::npos)
      << err;
  EXPECT_NE(err.find("more exits with --all"), std::string::npos) << err;
}

// Nothing hidden: the scope is said on a terminal only (util-linux script
// gives sigan one), so that scripts reading stderr see no note.
TEST_F(ScopeE2eTest, ScopeIsSaidOnATerminalWhenNothingIsHidden) {
  const std::string args = "exits -p " + std::to_string(pid("root"));
  CommandResult piped = run(args);
  EXPECT_EQ(piped.status, 0) << piped.err;
  EXPECT_EQ(piped.err, "");
  CommandResult tty =
      runCommand("script -qec '" + buildDir() + "/sigan " + args + " " + capture() + "' /dev/null");
  EXPECT_NE(
      tty.out.find("sigan: note: scope: command tree of pid " + std::to_string(pid("root")) + " ("),
      std::string::npos)
      << tty.out;
  EXPECT_NE(tty.out.find("; --all for the whole machine"), std::string::npos) << tty.out;
}

TEST_F(ScopeE2eTest, AllShowsTheBystander) {
  std::string err;
  auto exits = exitsByPid("--all", &err);
  ASSERT_TRUE(exits.count(pid("bystander")));
  EXPECT_EQ(exits[pid("bystander")]["exit_status"], 7);
  EXPECT_TRUE(exits.count(pid("victim")));
  EXPECT_EQ(err.find("scope"), std::string::npos) << err;
}

TEST_F(ScopeE2eTest, TimelineLeavesTheBystanderOutUnlessAll) {
  auto pids = [](const std::vector<json>& events) {
    std::set<long> out;
    for (const json& e : events)
      if (e["kind"] == "exec" || e["kind"] == "exit") out.insert(e["pid"].get<long>());
    return out;
  };
  EXPECT_FALSE(pids(rows("timeline")).count(pid("bystander")));
  EXPECT_TRUE(pids(rows("timeline")).count(pid("victim")));
  EXPECT_TRUE(pids(rows("timeline --all")).count(pid("bystander")));
}

TEST_F(ScopeE2eTest, InfoAndSqlSayWhatTheScopeIs) {
  auto info = rows("info");
  ASSERT_EQ(info.size(), 1u);
  EXPECT_EQ(info[0]["scope"].get<std::string>().rfind(
                "command tree of pid " + std::to_string(pid("root")), 0),
            0u)
      << info[0]["scope"];
  auto scopes = rows("sql \"SELECT pid, scope, in_scope FROM processes WHERE pid IN (" +
                     std::to_string(pid("root")) + ", " + std::to_string(pid("victim")) + ", " +
                     std::to_string(pid("killer")) + ", " + std::to_string(pid("bystander")) +
                     ") ORDER BY start_ns\"");
  std::map<long, std::string> scopeOf;
  for (const json& r : scopes)
    scopeOf[r["pid"].get<long>()] = r["scope"].is_null() ? "" : r["scope"].get<std::string>();
  EXPECT_EQ(scopeOf[pid("root")], "command");
  EXPECT_EQ(scopeOf[pid("victim")], "tree");
  EXPECT_EQ(scopeOf[pid("killer")], "signaller");
  EXPECT_EQ(scopeOf[pid("bystander")], "");
}

TEST_F(ScopeE2eTest, PerfettoExportShowsTheScopeUnlessAll) {
  const std::string track = "\"sh " + std::to_string(pid("bystander")) + "\"";
  auto trace = [&](const std::string& args) {
    const std::string out = dir_->file("trace.json");
    CommandResult r = run("export --perfetto -o " + out + " " + args);
    EXPECT_EQ(r.status, 0) << r.err;
    std::ifstream in(out);
    return std::string(std::istreambuf_iterator<char>(in), {});
  };
  std::string scoped = trace("");
  EXPECT_EQ(scoped.find(track), std::string::npos);
  EXPECT_NE(scoped.find("\"sh " + std::to_string(pid("killer")) + "\""), std::string::npos);
  EXPECT_NE(trace("--all").find(track), std::string::npos);
}

TEST_F(ScopeE2eTest, WhoKilledByCommListsBothRunsWithTheirAnswers) {
  // The command's polls are sleeps too: --comm alone finds them as well.
  std::set<long> byComm;
  for (const json& r : rows("who-killed --comm sleep")) byComm.insert(r["pid"].get<long>());
  EXPECT_TRUE(byComm.count(pid("victim")));
  EXPECT_GE(byComm.size(), 2u);
  auto found = rows("who-killed --comm sleep --cmdline 'sleep 30'");
  std::map<long, json> byPid;
  for (const json& r : found) byPid[r["pid"].get<long>()] = r;
  ASSERT_EQ(found.size(), 2u) << found.size();
  const json& victim = byPid.at(pid("victim"));
  EXPECT_EQ(victim["end"], "SIGTERM");
  EXPECT_EQ(victim["sender_pid"], pid("killer"));
  EXPECT_EQ(victim["origin"], "kill");
  byPid.erase(pid("victim"));
  const json& timedOut = byPid.begin()->second;
  EXPECT_EQ(timedOut["end"], "SIGTERM");
  EXPECT_EQ(timedOut["sender_comm"], "timeout");

  // By command line: a substring also finds `timeout 0.2 sleep 30`; a glob
  // matches the whole command line, so only the two sleeps. In CSV and in
  // the table too.
  EXPECT_EQ(rows("who-killed --cmdline 'sleep 30'").size(), 3u);
  EXPECT_EQ(rows("who-killed --cmdline 'sleep 3?'").size(), 2u);
  EXPECT_EQ(run("who-killed --cmdline 'leep 3?'").status, 1)
      << "a glob matches the whole command line";
  CommandResult csv = run("who-killed --cmdline 'sleep 3?' --format csv");
  EXPECT_EQ(csv.status, 0) << csv.err;
  EXPECT_EQ(std::count(csv.out.begin(), csv.out.end(), '\n'), 3) << csv.out;
  CommandResult table = run("who-killed --cmdline 'sleep 3?' --wide");
  EXPECT_EQ(table.status, 0) << table.err;
  EXPECT_NE(table.out.find(std::to_string(pid("killer")) + " sh"), std::string::npos) << table.out;
}

TEST_F(ScopeE2eTest, WhoKilledByNameRefusesAPidAndSaysWhenNothingMatches) {
  CommandResult none = run("who-killed --comm nosuchprogram");
  EXPECT_EQ(none.status, 1);
  EXPECT_EQ(none.err, "sigan: no process with comm 'nosuchprogram' in the sources\n");
  CommandResult both = run("who-killed --comm sleep " + std::to_string(pid("victim")));
  EXPECT_EQ(both.status, 2);
  EXPECT_EQ(both.err, "sigan: who-killed takes a PID or --comm/--cmdline, not both\n");
  // The bystander is out of scope: found only with --all, and the message
  // says so.
  CommandResult hidden = run("who-killed --cmdline 'exit 7'");
  EXPECT_EQ(hidden.status, 1);
  EXPECT_NE(hidden.err.find("(1 outside it: --all)"), std::string::npos) << hidden.err;
  EXPECT_EQ(rows("who-killed --cmdline 'exit 7' --all").size(), 1u);
}

}  // namespace
}  // namespace sigrec::testing
