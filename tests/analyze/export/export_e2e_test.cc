// Records a real incident with sigrec (real BPF, real processes): a sleep
// that ignores SIGUSR1 gets it from /bin/kill, then SIGTERM, which ends it.
// Checks the Perfetto export shows the kill's arrow, and that DuckDB, loaded
// with the table export, gives sigan who-killed's answer with the plain SQL
// of docs/fleet.md. Needs root; skips without it unless SIGREC_REQUIRE_BPF=1.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <memory>
#include <fstream>
#include <sstream>

#include "base/time_format.h"
#include "tests/analyze/export/chromium.h"
#include "tests/analyze/export/trace_check.h"
#include "tests/support/bpf_guard.h"
#include "tests/support/paths.h"
#include "tests/support/run_command.h"
#include "tests/support/temp_dir.h"

namespace sigrec::testing {
namespace {

using nlohmann::json;

constexpr const char* kScript = R"(
P="$1"
sh -c 'trap "" USR1; exec sleep 30' & victim=$!; echo victim=$victim >> "$P"
sleep 0.2
/bin/kill -USR1 $victim
sleep 0.05
/bin/kill -TERM $victim; wait $victim
true
)";

class ExportE2eTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    if (::geteuid() != 0 || !std::filesystem::exists(buildDir() + "/sigrec")) return;
    dir_ = std::make_unique<TempDir>();
    std::ofstream(dir_->file("scenario.sh")) << kScript;
    CommandResult r = runCommand(buildDir() + "/sigrec -o " + capture() + " -- sh " +
                                 dir_->file("scenario.sh") + " " + dir_->file("pids"));
    recordError_ = r.err;
    recorded_ = r.status == 0 && std::filesystem::exists(capture());
    auto pids = keyValues(readFile(dir_->file("pids")));
    if (pids.count("victim")) victim_ = pids["victim"];
  }
  static void TearDownTestSuite() { dir_.reset(); }

  void SetUp() override {
    SIGREC_REQUIRE_RECORDER_OR_SKIP();
    ASSERT_TRUE(recorded_) << recordError_;
    ASSERT_GT(victim_, 0);
  }

  static std::string capture() { return dir_->file("c.sigrec"); }
  static CommandResult sigan(const std::string& args) {
    CommandResult r = runCommand(buildDir() + "/sigan " + args);
    EXPECT_EQ(r.status, 0) << args << ": " << r.err;
    return r;
  }
  static std::vector<json> lines(const std::string& text) {
    std::vector<json> rows;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) rows.push_back(json::parse(line));
    return rows;
  }

  static std::unique_ptr<TempDir> dir_;
  static bool recorded_;
  static std::string recordError_;
  static long victim_;
};
std::unique_ptr<TempDir> ExportE2eTest::dir_;
bool ExportE2eTest::recorded_ = false;
std::string ExportE2eTest::recordError_;
long ExportE2eTest::victim_ = 0;

TEST_F(ExportE2eTest, PerfettoShowsTheKillArrowToTheVictim) {
  std::string out = dir_->file("t.json");
  sigan("export --perfetto -o " + out + " " + capture());
  json t = json::parse(std::ifstream(out));
  for (const std::string& violation : traceViolations(t)) ADD_FAILURE() << violation;
  auto victims = tracePids(t, "sleep " + std::to_string(victim_));
  ASSERT_EQ(victims.size(), 1u);
  auto fatal = traceEvents(t, [&](const json& e) {
    return e.value("pid", -1) == victims[0] && e.value("cat", "") == "signal,fatal";
  });
  ASSERT_EQ(fatal.size(), 1u);
  EXPECT_EQ(fatal[0]["args"]["signal_name"], "SIGTERM");
  json send = flowPartner(t, fatal[0]);
  ASSERT_FALSE(send.is_null()) << fatal[0].dump();
  auto killers = tracePids(t, "kill ");
  EXPECT_NE(std::find(killers.begin(), killers.end(), send["pid"].get<int64_t>()), killers.end());
  auto calls = traceEvents(t, [&](const json& e) {
    return e.value("pid", -1) == send["pid"] && e.value("cat", "") == "kill_call";
  });
  ASSERT_EQ(calls.size(), 1u);
  EXPECT_EQ(calls[0]["name"], "kill(" + std::to_string(victim_) + ", SIGTERM)");
  auto ignored = traceEvents(t, [&](const json& e) {
    return e.value("pid", -1) == victims[0] && e.value("cat", "") == "signal";
  });
  ASSERT_EQ(ignored.size(), 1u);
  EXPECT_EQ(ignored[0]["args"]["result_name"], "ignored");
}

TEST_F(ExportE2eTest, DuckdbGivesWhoKilledsAnswerWithPlainSql) {
  std::string node = buildDir() + "/node";
  ASSERT_TRUE(std::filesystem::exists(node + "/node_modules/@duckdb/node-api"))
      << "run scripts/setup-export-tests (scripts/setup does)";
  std::string dir = dir_->file("export");
  sigan("export --format ndjson -o " + dir + " " + capture());
  CommandResult duck = runCommand("node " + node + "/who_killed.mjs " + dir +
                                  " " SIGAN_FLEET_DOC " " + std::to_string(victim_));
  ASSERT_EQ(duck.status, 0) << duck.err;
  auto sql = lines(duck.out);
  auto answer = lines(
      sigan("who-killed " + std::to_string(victim_) + " " + capture() + " --format json").out);
  ASSERT_EQ(answer.size(), 2u);
  ASSERT_EQ(sql.size(), answer.size()) << duck.out;
  for (size_t i = 0; i < sql.size(); ++i) {
    const json &d = sql[i], &s = answer[i];
    EXPECT_EQ(std::to_string(*parseTime(s["time"].get<std::string>())),
              d["wall_ns"].is_string() ? d["wall_ns"].get<std::string>() : d["wall_ns"].dump());
    for (const char* key : {"signal_name", "origin", "sender_comm", "sender_cmdline", "result",
                            "fatal", "target_pid"})
      EXPECT_EQ(d[key], s[key]) << key << " of row " << i;
    EXPECT_EQ(d["sender_pid"].dump(), s["sender_pid"].dump());
  }
  EXPECT_EQ(answer[1]["fatal"], true);
  EXPECT_EQ(answer[1]["sender_comm"], "kill");
}

TEST_F(ExportE2eTest, ReportRendersInChromiumWithTheAnswerVisible) {
  ASSERT_TRUE(chromiumInstalled()) << "Debian's chromium is missing: scripts/setup installs it";
  std::string html = dir_->file("incident.html"), png = dir_->file("incident.png");
  sigan("report -o " + html + " --pid " + std::to_string(victim_) + " " + capture());
  BrowserRun run = renderInChromium(html, png, dir_->file("browser"));
  ASSERT_EQ(run.status, 0) << run.error;
  size_t at = run.dom.find("id=\"answer\"");
  ASSERT_NE(at, std::string::npos) << run.dom.substr(0, 2000);
  std::string answer = run.dom.substr(at, run.dom.find("</p>", at) - at);
  EXPECT_NE(answer.find("SIGTERM"), std::string::npos) << answer;
  auto who = lines(
      sigan("who-killed " + std::to_string(victim_) + " " + capture() + " --format json").out);
  ASSERT_EQ(who.size(), 2u);
  EXPECT_NE(answer.find(">" + std::to_string(who[1]["sender_pid"].get<long>()) + "</b> (kill)"),
            std::string::npos)
      << answer;
  EXPECT_NE(answer.find("/bin/kill -TERM " + std::to_string(victim_)), std::string::npos) << answer;
  EXPECT_TRUE(run.pageRequests.empty()) << run.pageRequests[0];
  std::ifstream image(png, std::ios::binary);
  std::string magic(8, '\0');
  image.read(magic.data(), 8);
  EXPECT_EQ(magic, "\x89PNG\r\n\x1a\n");
  EXPECT_GT(std::filesystem::file_size(png), 10'000u);
}

// The request check can fail: a page that loads an image is caught.
TEST_F(ExportE2eTest, BrowserCheckSeesAPageThatLoadsSomething) {
  ASSERT_TRUE(chromiumInstalled());
  std::string html = dir_->file("loads.html");
  std::ofstream(html) << "<html><body><img src=\"http://127.0.0.1:9/x.png\"></body></html>";
  BrowserRun run = renderInChromium(html, dir_->file("loads.png"), dir_->file("browser2"));
  ASSERT_EQ(run.pageRequests.size(), 1u);
  EXPECT_EQ(run.pageRequests[0], "http://127.0.0.1:9/x.png");
}

}  // namespace
}  // namespace sigrec::testing
