// Every query command in every format, run in-process on the scenario.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <sstream>
#include <memory>

#include "analyze/cli/cli.h"
#include "tests/analyze/scenario.h"

namespace sigrec::analyze {
namespace {

using nlohmann::json;

struct Result {
  int status;
  std::string out, err;
  std::vector<json> lines() const {
    std::vector<json> rows;
    std::istringstream in(out);
    for (std::string line; std::getline(in, line);) rows.push_back(json::parse(line));
    return rows;
  }
};

class QueriesTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = std::make_unique<testing::TempDir>();
    testing::Scenario().build().write(*dir_ / "s.sigrec");
  }
  static void TearDownTestSuite() { dir_.reset(); }

  static std::string capture() { return (*dir_ / "s.sigrec").string(); }
  static Result sigan(const std::vector<std::string>& args) {
    std::ostringstream out, err;
    int status = runSigan(args, out, err);
    return {status, out.str(), err.str()};
  }

  static std::unique_ptr<testing::TempDir> dir_;
};
std::unique_ptr<testing::TempDir> QueriesTest::dir_;

TEST_F(QueriesTest, WhoKilledShowsSenderCommandLineAndAncestry) {
  Result r = sigan({"who-killed", "4242", capture(), "--format", "json"});
  ASSERT_EQ(r.status, 0) << r.err;
  auto rows = r.lines();
  ASSERT_EQ(rows.size(), 2u);
  // Oldest first: the failed attempt, then the fatal SIGTERM.
  const json& failed = rows[0];
  EXPECT_EQ(failed["result"], "failed");
  EXPECT_EQ(failed["errno"], "EPERM");
  EXPECT_EQ(failed["signal_name"], "SIGKILL");
  EXPECT_EQ(failed["sender_pid"], 2000);
  EXPECT_EQ(failed["sender_cmdline"], "evil --kill 4242");
  EXPECT_EQ(failed["fatal"], false);
  EXPECT_EQ(failed["call"], "kill(4242, SIGKILL) = -1 EPERM");

  const json& term = rows[1];
  EXPECT_EQ(term["time"], "2026-11-23T14:00:01.000300000Z");
  EXPECT_EQ(term["target_pid"], 4242);
  EXPECT_EQ(term["target_comm"], "sleep");
  EXPECT_EQ(term["signal"], 15);
  EXPECT_EQ(term["signal_name"], "SIGTERM");
  EXPECT_EQ(term["origin"], "kill");
  EXPECT_EQ(term["code"], "SI_USER");
  EXPECT_EQ(term["sender_pid"], 1234);
  EXPECT_EQ(term["sender_comm"], "pkill");
  // pkill lived 0.8 ms; its cmdline was taken in the kernel at exec.
  EXPECT_EQ(term["sender_cmdline"], "pkill -f sleep");
  ASSERT_EQ(term["sender_ancestry"].size(), 3u);
  EXPECT_EQ(term["sender_ancestry"][0]["pid"], 1000);
  EXPECT_EQ(term["sender_ancestry"][1]["comm"], "sshd");
  EXPECT_EQ(term["sender_ancestry"][2]["pid"], 1);
  EXPECT_EQ(term["result"], "delivered");
  EXPECT_EQ(term["fatal"], true);
  EXPECT_EQ(term["call"], "kill(4242, SIGTERM) = 0");
  EXPECT_EQ(term["disposition"], "default");
  EXPECT_EQ(term["target_start_time"], "2026-11-23T13:53:20.003000777Z");
}

TEST_F(QueriesTest, WhoKilledKernelSegfault) {
  Result r = sigan({"who-killed", "3000", capture(), "--format=json"});
  ASSERT_EQ(r.status, 0) << r.err;
  auto rows = r.lines();
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0]["origin"], "kernel");
  EXPECT_EQ(rows[0]["code"], "SEGV_MAPERR");
  EXPECT_EQ(rows[0]["signal_name"], "SIGSEGV");
  EXPECT_TRUE(rows[0]["sender_pid"].is_null());
  EXPECT_EQ(rows[0]["context_pid"], 3000);
  EXPECT_EQ(rows[0]["fault_addr"], "0x10");
  EXPECT_EQ(rows[0]["fatal"], true);
}

TEST_F(QueriesTest, WhoKilledPidReuseShowsEachInstance) {
  Result r = sigan({"who-killed", "5000", capture(), "--format", "json"});
  ASSERT_EQ(r.status, 0) << r.err;
  auto rows = r.lines();
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0]["origin"], "tgkill");
  EXPECT_EQ(rows[0]["code"], "SI_TKILL");
  EXPECT_EQ(rows[0]["target_comm"], "sleep");
  EXPECT_EQ(rows[1]["origin"], "kill");
  EXPECT_EQ(rows[1]["target_comm"], "python3");
  EXPECT_NE(rows[0]["target_start_time"], rows[1]["target_start_time"]);
  EXPECT_EQ(rows[0]["fatal"], true);
  EXPECT_EQ(rows[1]["fatal"], true);

  Result table = sigan({"who-killed", "5000", capture()});
  EXPECT_NE(table.out.find("pid 5000 (sleep)"), std::string::npos) << table.out;
  EXPECT_NE(table.out.find("pid 5000 (python3)"), std::string::npos);

  std::string start = rows[1]["target_start_time"];
  Result one = sigan({"who-killed", "5000", capture(), "--start-time", start, "--format", "json"});
  ASSERT_EQ(one.status, 0) << one.err;
  auto picked = one.lines();
  ASSERT_EQ(picked.size(), 1u);
  EXPECT_EQ(picked[0]["target_comm"], "python3");
  // To the second is enough when only one instance started then.
  Result coarse = sigan({"who-killed", "5000", capture(), "--start-time", "2026-11-23T14:00:03Z",
                         "--format", "json"});
  ASSERT_EQ(coarse.lines().size(), 1u);
  EXPECT_EQ(coarse.lines()[0]["target_comm"], "sleep");

  Result none = sigan({"who-killed", "5000", capture(), "--start-time", "2026-11-23T15:00:00Z"});
  EXPECT_EQ(none.status, 1);
  EXPECT_NE(none.err.find("no instance of pid 5000"), std::string::npos);
}

TEST_F(QueriesTest, WhoKilledSenderThatExitedBeforeTheTarget) {
  Result r = sigan({"who-killed", "6100", capture(), "--format", "json"});
  ASSERT_EQ(r.status, 0) << r.err;
  auto rows = r.lines();
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0]["signal_name"], "SIGHUP");
  EXPECT_EQ(rows[0]["sender_pid"], 6000);
  EXPECT_EQ(rows[0]["sender_cmdline"], "sh -c kill -HUP 6100");
  EXPECT_EQ(rows[0]["fatal"], true);
  EXPECT_LT(rows[0]["sender_exit_time"].get<std::string>(), "2026-11-23T14:00:05.300000000Z");
}

TEST_F(QueriesTest, WhoKilledSaysWhenTheCauseWasNotRecorded) {
  testing::CaptureBuilder b;
  b.process({8000, 1, 900 * testing::kSec, "old", "/bin/old", {"old"}});
  b.exit(testing::kT0 + testing::kSec, {8000, 8000, 900 * testing::kSec + 5, "old"}, 9);
  b.write(*dir_ / "nocause.sigrec");
  Result r = sigan({"who-killed", "8000", (*dir_ / "nocause.sigrec").string()});
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("killed by SIGKILL"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("the fatal signal was not recorded"), std::string::npos);
  Result exits = sigan({"exits", (*dir_ / "nocause.sigrec").string(), "--format", "json"});
  auto rows = exits.lines();
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_TRUE(rows[0]["origin"].is_null());
  EXPECT_TRUE(rows[0]["killer_pid"].is_null());
}

TEST_F(QueriesTest, ParentLoopsFromAHostileCaptureTerminate) {
  testing::CaptureBuilder b;
  testing::Task a{10, 10, testing::kT0 + 1, "a"}, c{11, 11, testing::kT0 + 2, "c"};
  b.exit(testing::kT0 + 10, a, 0, true, c.pid, c.startNs)
      .exit(testing::kT0 + 20, c, 0, true, a.pid, a.startNs)
      .generate(testing::kT0 + 5, c, 15, 0, a, schema::Syscall::KILL, testing::kT0 + 4);
  b.write(*dir_ / "loop.sigrec");
  std::string file = (*dir_ / "loop.sigrec").string();
  Result tree = sigan({"tree", "10", file, "--format", "json"});
  EXPECT_EQ(tree.status, 0) << tree.err;
  EXPECT_EQ(tree.lines().size(), 3u);  // ancestor 11, self 10, descendant 11
  Result who = sigan({"who-killed", "10", file, "--format", "json"});
  EXPECT_EQ(who.status, 0) << who.err;
  ASSERT_EQ(who.lines().size(), 1u);
  EXPECT_EQ(who.lines()[0]["sender_ancestry"].size(), 1u);
}

TEST_F(QueriesTest, WhoKilledUnknownPidFails) {
  Result r = sigan({"who-killed", "99999", capture()});
  EXPECT_EQ(r.status, 1);
  EXPECT_EQ(r.err, "sigan: pid 99999 does not appear in the capture\n");
  EXPECT_TRUE(r.out.empty());
}

TEST_F(QueriesTest, WhoKilledTableAndCsv) {
  Result table = sigan({"who-killed", "4242", capture()});
  ASSERT_EQ(table.status, 0) << table.err;
  EXPECT_NE(table.out.find("pid 4242 (sleep)"), std::string::npos) << table.out;
  EXPECT_NE(table.out.find("ended:   killed by SIGTERM"), std::string::npos);
  EXPECT_NE(table.out.find("failed EPERM"), std::string::npos);
  EXPECT_NE(table.out.find("<- FATAL"), std::string::npos);
  EXPECT_NE(table.out.find("ancestry: bash(1000) < sshd(900) < systemd(1)"), std::string::npos);
  EXPECT_NE(table.out.find("cmdline:  pkill -f sleep"), std::string::npos);
  std::istringstream lines(table.out);
  for (std::string line; std::getline(lines, line);) EXPECT_LE(line.size(), 120u) << line;

  Result csv = sigan({"who-killed", "4242", capture(), "--format", "csv"});
  ASSERT_EQ(csv.status, 0);
  EXPECT_EQ(csv.out.rfind("time,target_pid,target_comm,signal,signal_name,origin,code,", 0), 0u);
  EXPECT_NE(csv.out.find("pkill -f sleep"), std::string::npos);
  EXPECT_NE(csv.out.find("bash(1000) < sshd(900) < systemd(1)"), std::string::npos);
}

TEST_F(QueriesTest, ExitsReasonsAndKillers) {
  Result r = sigan({"exits", capture(), "--format", "json"});
  ASSERT_EQ(r.status, 0) << r.err;
  std::map<int, json> byPid;
  for (const json& row : r.lines())
    byPid[row["pid"].get<int>() * 10 + (row["comm"] == "python3")] = row;
  const json& sleep = byPid.at(42420);
  EXPECT_EQ(sleep["reason"], "signal");
  EXPECT_EQ(sleep["signal_name"], "SIGTERM");
  EXPECT_EQ(sleep["killer_pid"], 1234);
  EXPECT_EQ(sleep["killer_comm"], "pkill");
  EXPECT_EQ(sleep["origin"], "kill");
  EXPECT_EQ(sleep["ppid"], 1000);
  EXPECT_TRUE(sleep["exit_status"].is_null());
  const json& three = byPid.at(31000);
  EXPECT_EQ(three["reason"], "exit");
  EXPECT_EQ(three["exit_status"], 3);
  EXPECT_EQ(three["cmdline"], "sh -c exit 3");
  EXPECT_TRUE(three["signal"].is_null());
  const json& crash = byPid.at(30000);
  EXPECT_EQ(crash["signal"], 11);
  EXPECT_EQ(crash["core_dumped"], true);
  EXPECT_EQ(crash["origin"], "kernel");
  EXPECT_TRUE(crash["killer_pid"].is_null());
  const json& hog = byPid.at(70000);
  EXPECT_EQ(hog["reason"], "oom");
  EXPECT_EQ(hog["signal_name"], "SIGKILL");
  const json& pkill = byPid.at(12340);
  EXPECT_LT(pkill["lifetime"].get<double>(), 0.001);
  EXPECT_EQ(pkill["start_time"], "2026-11-23T14:00:01.000000010Z");
  EXPECT_EQ(byPid.at(50001)["killer_comm"], "bash");

  Result failed = sigan({"exits", capture(), "--failed", "--format", "json"});
  for (const json& row : failed.lines())
    EXPECT_TRUE(row["reason"] != "exit" || row["exit_status"] != 0) << row.dump();
  EXPECT_EQ(failed.lines().size(), 8u);  // all but pkill and killer (exit 0)

  Result one = sigan({"exits", capture(), "--pid", "5000", "--format", "json"});
  EXPECT_EQ(one.lines().size(), 2u);

  Result table = sigan({"exits", capture()});
  EXPECT_NE(table.out.find("EXIT TIME"), std::string::npos);
  EXPECT_NE(table.out.find("SIGSEGV core"), std::string::npos) << table.out;
  EXPECT_NE(table.out.find("1234 pkill (kill)"), std::string::npos);
  std::istringstream lines(table.out);
  for (std::string line; std::getline(lines, line);) EXPECT_LE(line.size(), 120u) << line;

  Result csv = sigan({"exits", capture(), "--format", "csv", "--pid", "3100"});
  EXPECT_EQ(csv.out.rfind("exit_time,pid,ppid,comm,lifetime,reason,killer_pid,cmdline,", 0), 0u)
      << csv.out;
  EXPECT_NE(csv.out.find(",exit,"), std::string::npos);
}

TEST_F(QueriesTest, TimelineFilters) {
  Result all = sigan({"timeline", capture(), "--format", "json"});
  ASSERT_EQ(all.status, 0) << all.err;
  auto rows = all.lines();
  EXPECT_GT(rows.size(), 30u);
  for (size_t i = 1; i < rows.size(); ++i)
    EXPECT_LE(rows[i - 1]["time"].get<std::string>(), rows[i]["time"].get<std::string>());
  bool loss = false;
  for (const json& row : rows) loss |= row["kind"] == "loss";
  EXPECT_TRUE(loss);

  Result term = sigan({"timeline", capture(), "--signal", "SIGTERM", "--format", "json"});
  for (const json& row : term.lines()) {
    if (row["kind"] != "loss") {
      EXPECT_EQ(row["signal"], 15) << row.dump();
    }
  }
  Result term15 = sigan({"timeline", capture(), "--signal", "15", "--format", "json"});
  EXPECT_EQ(term.out, term15.out);

  Result pid = sigan({"timeline", capture(), "--pid", "4242", "--format", "json"});
  std::set<std::string> kinds;
  for (const json& row : pid.lines()) {
    kinds.insert(row["kind"]);
    if (row["kind"] != "loss") {
      EXPECT_TRUE(row["pid"] == 4242 || row["target_pid"] == 4242);
    }
  }
  EXPECT_TRUE(kinds.count("signal") && kinds.count("kill_call") && kinds.count("deliver") &&
              kinds.count("exit"));

  Result window = sigan({"timeline", capture(), "--since", "2026-11-23T14:00:02Z", "--until",
                         "2026-11-23T14:00:02.999Z", "--format", "json"});
  auto windowRows = window.lines();
  ASSERT_FALSE(windowRows.empty());
  for (const json& row : windowRows) {
    EXPECT_GE(row["time"].get<std::string>(), "2026-11-23T14:00:02");
    EXPECT_LT(row["time"].get<std::string>(), "2026-11-23T14:00:03");
  }

  Result table = sigan({"timeline", capture(), "--pid", "3000"});
  EXPECT_NE(table.out.find("SEGV_MAPERR"), std::string::npos) << table.out;
  Result csv = sigan({"timeline", capture(), "--format", "csv", "--pid", "3000"});
  EXPECT_EQ(csv.out.rfind("time,kind,pid,comm,signal_name,target_pid,detail", 0), 0u);

  Result bad = sigan({"timeline", capture(), "--signal", "SIGNOPE"});
  EXPECT_EQ(bad.status, 2);
  EXPECT_NE(bad.err.find("unknown signal"), std::string::npos);
}

TEST_F(QueriesTest, Tree) {
  Result r = sigan({"tree", "1234", capture(), "--format", "json"});
  ASSERT_EQ(r.status, 0) << r.err;
  auto rows = r.lines();
  ASSERT_EQ(rows.size(), 4u);
  EXPECT_EQ(rows[0]["pid"], 1);
  EXPECT_EQ(rows[1]["pid"], 900);
  EXPECT_EQ(rows[2]["pid"], 1000);
  EXPECT_EQ(rows[3]["pid"], 1234);
  EXPECT_EQ(rows[3]["relation"], "self");

  Result bash = sigan({"tree", "1000", capture(), "--format", "json"});
  size_t descendants = 0;
  for (const json& row : bash.lines()) descendants += row["relation"] == "descendant";
  EXPECT_EQ(descendants, 9u);

  Result table = sigan({"tree", "1000", capture()});
  EXPECT_NE(table.out.find("* 1000 bash"), std::string::npos) << table.out;
  EXPECT_NE(table.out.find("SIGSEGV core"), std::string::npos);
  Result csv = sigan({"tree", "1000", capture(), "--format", "csv"});
  EXPECT_EQ(csv.out.rfind("pid,start_time,end,cmdline", 0), 0u);

  Result unknown = sigan({"tree", "31337", capture()});
  EXPECT_EQ(unknown.status, 1);
}

TEST_F(QueriesTest, Info) {
  Result r = sigan({"info", capture(), "--format", "json"});
  ASSERT_EQ(r.status, 0) << r.err;
  auto rows = r.lines();
  ASSERT_EQ(rows.size(), 1u);
  const json& info = rows[0];
  EXPECT_EQ(info["hostname"], "host-a");
  EXPECT_EQ(info["kernel"], "6.1.0-test");
  EXPECT_EQ(info["trailer"], true);
  EXPECT_EQ(info["start_time"], "2026-11-23T14:00:00.000000000Z");
  EXPECT_EQ(info["events_by_kind"]["signal_generate"], 6);
  EXPECT_EQ(info["events_by_kind"]["kill_call"], 5);
  EXPECT_EQ(info["lost"], 3);
  ASSERT_EQ(info["losses"].size(), 1u);
  EXPECT_EQ(info["losses"][0]["probe"], "exec");
  EXPECT_EQ(info["complete"], false);
  EXPECT_TRUE(info["damage"].empty());

  Result table = sigan({"info", capture()});
  EXPECT_NE(table.out.find("host:"), std::string::npos);
  EXPECT_NE(table.out.find("trailer:     present"), std::string::npos) << table.out;
  EXPECT_NE(table.out.find("3 exec event(s) on cpu 1"), std::string::npos);
  Result csv = sigan({"info", capture(), "--format", "csv"});
  EXPECT_EQ(csv.out.rfind("capture_id,hostname,", 0), 0u);
}

TEST_F(QueriesTest, InfoReportsTruncation) {
  testing::CaptureBuilder b = testing::Scenario().build();
  b.eventsPerBatch = 5;
  b.trailer = false;
  b.write(*dir_ / "cut.sigrec");
  std::filesystem::resize_file(*dir_ / "cut.sigrec",
                               std::filesystem::file_size(*dir_ / "cut.sigrec") - 7);
  Result r = sigan({"info", (*dir_ / "cut.sigrec").string()});
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("MISSING"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("truncated"), std::string::npos);
  EXPECT_NE(r.err.find("trailer missing"), std::string::npos);
}

TEST_F(QueriesTest, SqlReadsAndRefusesWrites) {
  Result r = sigan(
      {"sql", "SELECT pid, comm FROM processes WHERE pid = 4242", capture(), "--format", "json"});
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out, "{\"pid\":4242,\"comm\":\"sleep\"}\n");
  Result view = sigan(
      {"sql", "SELECT killer_comm FROM v_exits WHERE pid = 4242", capture(), "--format", "csv"});
  EXPECT_EQ(view.out, "killer_comm\npkill\n");
  Result table = sigan({"sql", "SELECT COUNT(*) AS n FROM signals", capture()});
  EXPECT_EQ(table.out, "n\n6\n");
  Result twice = sigan({"sql", "SELECT 1 AS id, 2 AS id", capture(), "--format", "json"});
  EXPECT_EQ(twice.out, "{\"id\":1,\"id:2\":2}\n");

  for (const char* bad :
       {"DELETE FROM signals", "INSERT INTO captures (capture_key) VALUES ('x')",
        "UPDATE processes SET pid = 1", "DROP TABLE signals", "CREATE TABLE t (x)",
        "CREATE TEMP TABLE t (x)", "ATTACH DATABASE '/tmp/x.db' AS x", "PRAGMA query_only=0",
        "PRAGMA writable_schema=1", "SELECT load_extension('x')", "SELECT 1; DELETE FROM signals",
        "SELEC nonsense"}) {
    Result refused = sigan({"sql", bad, capture()});
    EXPECT_NE(refused.status, 0) << bad;
    EXPECT_EQ(refused.err.rfind("sigan: ", 0), 0u) << bad;
    EXPECT_EQ(std::count(refused.err.begin(), refused.err.end(), '\n'), 1) << refused.err;
  }
}

TEST_F(QueriesTest, DatabaseSourceAndMixedSources) {
  std::string db = (*dir_ / "mixed.db").string();
  Result import = sigan({"import", "-o", db, capture()});
  ASSERT_EQ(import.status, 0) << import.err;
  EXPECT_NE(import.out.find("imported"), std::string::npos);
  Result again = sigan({"import", "-o", db, capture()});
  EXPECT_NE(again.out.find("already imported"), std::string::npos);
  Result count = sigan({"sql", "SELECT COUNT(*) AS n FROM signals", db});
  EXPECT_EQ(count.out, "n\n6\n");

  // A database on disk is opened read-only: sql cannot write to it.
  Result write = sigan({"sql", "DELETE FROM signals", db});
  EXPECT_NE(write.status, 0);
  EXPECT_EQ(sigan({"sql", "SELECT COUNT(*) AS n FROM signals", db}).out, "n\n6\n");

  testing::CaptureBuilder other = testing::Scenario().build();
  other.hostname = "host-b";
  other.write(*dir_ / "b.sigrec");
  Result both =
      sigan({"who-killed", "4242", db, (*dir_ / "b.sigrec").string(), "--format", "json"});
  ASSERT_EQ(both.status, 0) << both.err;
  std::set<std::string> hosts;
  for (const json& row : both.lines()) hosts.insert(row["hostname"]);
  EXPECT_EQ(hosts, (std::set<std::string>{"host-a", "host-b"}));
  // The database file was only read.
  EXPECT_EQ(sigan({"sql", "SELECT COUNT(*) AS n FROM captures", db}).out, "n\n1\n");
}

}  // namespace
}  // namespace sigrec::analyze
