// The cause of each signal (issue 16, docs/sigan.md "Causes"): every cause
// produced for real on this machine under the real sigrec, and checked in
// sigan's answers: the cause, the responsible pid and the detail in JSON,
// and the first line of the table and the CSV columns of who-killed.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "tests/scenarios/scenario_fixture.h"
#include "tests/support/bpf_guard.h"

namespace sigrec::testing {
namespace {

class CauseScenario : public ::testing::Test {
 protected:
  void SetUp() override { SIGREC_REQUIRE_ROOT_OR_SKIP(); }
};

// The one row of who-killed PID for SIGNAL.
Json signalRow(const ScenarioRun& run, long pid, const std::string& signal) {
  std::vector<Json> hits;
  for (const Json& r : run.whoKilled(pid))
    if (r["signal_name"] == signal) hits.push_back(r);
  EXPECT_EQ(hits.size(), 1u) << signal << " to " << pid;
  return hits.empty() ? Json::object() : hits[0];
}

// CSV columns by header name, of the first data line whose column KEY is VALUE.
std::map<std::string, std::string> csvRow(const std::string& csv, const std::string& key,
                                          const std::string& value) {
  std::istringstream lines(csv);
  std::string line;
  auto split = [](const std::string& l) {
    std::vector<std::string> cells;
    std::string cell;
    bool quoted = false;
    for (size_t i = 0; i < l.size(); ++i) {
      char c = l[i];
      if (c == '"' && quoted && i + 1 < l.size() && l[i + 1] == '"') {
        cell += '"';
        ++i;
      } else if (c == '"') {
        quoted = !quoted;
      } else if (c == ',' && !quoted) {
        cells.push_back(cell);
        cell.clear();
      } else {
        cell += c;
      }
    }
    cells.push_back(cell);
    return cells;
  };
  std::getline(lines, line);
  auto header = split(line);
  while (std::getline(lines, line)) {
    auto cells = split(line);
    std::map<std::string, std::string> row;
    for (size_t i = 0; i < header.size() && i < cells.size(); ++i) row[header[i]] = cells[i];
    if (row[key] == value) return row;
  }
  ADD_FAILURE() << "no CSV row with " << key << "=" << value << " in:\n" << csv;
  return {};
}

// Who killed VICTIM, in all three formats: the fatal signal's cause and the
// responsible pid (and the detail, when given).
void expectFatalCause(const ScenarioRun& run, long victim, const std::string& signal,
                      const std::string& cause, long causePid, const std::string& detail = "") {
  Json r = signalRow(run, victim, signal);
  EXPECT_TRUE(r["fatal"]) << r.dump();
  EXPECT_EQ(r["cause"], cause) << r.dump();
  EXPECT_EQ(r["cause_pid"], causePid) << r.dump();
  if (!detail.empty()) {
    EXPECT_EQ(r["cause_detail"], detail) << r.dump();
  }
  std::string table = run.siganText("who-killed " + std::to_string(victim), "table");
  std::string first = table.substr(0, table.find('\n'));
  EXPECT_NE(first.find("cause " + cause + " by " + std::to_string(causePid)), std::string::npos)
      << table;
  auto csv = csvRow(run.siganText("who-killed " + std::to_string(victim), "csv"), "fatal", "true");
  EXPECT_EQ(csv["cause"], cause);
  EXPECT_EQ(csv["cause_pid"], std::to_string(causePid));
  auto exit = run.exitOf(victim);
  EXPECT_EQ(exit["cause"], cause) << exit.dump();
  EXPECT_EQ(exit["cause_pid"], causePid) << exit.dump();
}

TEST_F(CauseScenario, PdeathsigAfterTheParentProcessExits) {
  auto run = runScenario(program("pdeath") + " process");
  long parent = run["parent"], child = run["child"];
  expectFatalCause(run, child, "SIGTERM", "parent_death", parent, "parent exited");
  EXPECT_EQ(signalRow(run, child, "SIGTERM")["cause_tid"], parent);
}

TEST_F(CauseScenario, PdeathsigAfterOnlyTheForkingThreadExits) {
  auto run = runScenario(program("pdeath") + " thread");
  long parent = run["parent"], thread = run["thread"], child = run["child"];
  ASSERT_NE(parent, thread);
  expectFatalCause(run, child, "SIGTERM", "parent_death", parent, "parent thread exited");
  EXPECT_EQ(signalRow(run, child, "SIGTERM")["cause_tid"], thread);
}

TEST_F(CauseScenario, PidNamespaceInitExits) {
  auto run = runScenario(program("pidns"));
  if (run.value.count("skip")) GTEST_SKIP() << "unshare(CLONE_NEWPID) refused";
  expectFatalCause(run, run["member"], "SIGKILL", "pidns_teardown", run["init"]);
  // The namespace pid beside the host pid: the member is its namespace's second process.
  Json r = signalRow(run, run["member"], "SIGKILL");
  EXPECT_EQ(r["target_ns_pid"], 2) << r.dump();
  std::string table = run.siganText("who-killed " + std::to_string(run["member"]), "table");
  EXPECT_NE(table.find("(pid 2 in its namespace)"), std::string::npos) << table;
}

TEST_F(CauseScenario, CgroupKillWrittenByAnotherProcess) {
  auto run = runScenario(program("cgroup_kill"));
  if (run.value.count("skip")) GTEST_SKIP() << "no cgroup v2 hierarchy with cgroup.kill (5.14+)";
  std::string cgroup;
  std::istringstream out(run.result.out);
  for (std::string line; std::getline(out, line);)
    if (line.rfind("cgroup=", 0) == 0) cgroup = line.substr(7);
  expectFatalCause(run, run["victim"], "SIGKILL", "cgroup_kill", run["writer"], cgroup);
}

// The deliveries of PID's SIGKILLs that no generation sent.
std::vector<Json> groupExitDeliveries(const ScenarioRun& run, long pid) {
  std::vector<Json> hits;
  for (const Json& e : run.sigan("timeline --pid " + std::to_string(pid)))
    if (e["kind"] == "deliver" && e["cause"] == "group_exit") hits.push_back(e);
  return hits;
}

// A fatal SIGTERM to 16 threads is never dequeued: each thread takes the
// group exit's SIGKILL, which the timeline ties to the SIGTERM and its
// sender, and who-killed shows the SIGTERM as delivered.
TEST_F(CauseScenario, GroupExitOfAFatalSignal) {
  auto run = runScenario(program("threads_exit") + " sigterm");
  long pid = run["pid"];
  auto kills = groupExitDeliveries(run, pid);
  EXPECT_EQ(kills.size(), 16u) << Json(kills).dump(1);
  for (const Json& k : kills) {
    EXPECT_EQ(k["signal_name"], "SIGKILL");
    EXPECT_EQ(k["detail"], "delivered as SIGKILL (group exit of SIGTERM)") << k.dump();
    EXPECT_EQ(k["cause_pid"], run["sender"]) << k.dump();
    EXPECT_EQ(k["cause_detail"], "the fatal SIGTERM") << k.dump();
  }
  Json term = signalRow(run, pid, "SIGTERM");
  EXPECT_TRUE(term["fatal"]) << term.dump();
  EXPECT_EQ(term["disposition"], "default") << term.dump();
  EXPECT_FALSE(term["delivered_time"].is_null()) << term.dump();
}

// exit_group from a worker thread: the other threads' SIGKILLs have no
// fatal signal behind them, and say so.
TEST_F(CauseScenario, GroupExitOfAnotherThreadsExitGroup) {
  auto run = runScenario(program("threads_exit") + " exit-group");
  auto kills = groupExitDeliveries(run, run["pid"]);
  ASSERT_EQ(kills.size(), 2u) << Json(kills).dump(1);  // the main and the idle thread
  for (const Json& k : kills) {
    EXPECT_NE(k["tid"], run["tid"]) << k.dump();
    EXPECT_EQ(k["detail"],
              "delivered as SIGKILL (group exit, another thread's exit_group or exec)");
    EXPECT_TRUE(k["cause_pid"].is_null()) << k.dump();
  }
}

TEST_F(CauseScenario, SeccompKillProcess) {
  auto run = runScenario(program("seccomp"));
  long child = run["child"];
  expectFatalCause(run, child, "SIGSYS", "seccomp", child, "getppid (110)");
}

// The memory controller is on v1 here, on v2 elsewhere: oom.cc makes its
// cgroup in whichever holds it.
TEST_F(CauseScenario, OomKillNamesTheAllocatorAndTheMemoryCgroup) {
  auto run = runScenario(program("oom"));
  long child = run["child"];
  Json r = signalRow(run, child, "SIGKILL");
  EXPECT_EQ(r["cause"], "oom") << r.dump();
  // The child allocates in its own cgroup: it is the allocating task.
  expectFatalCause(run, child, "SIGKILL", "oom", child);
  std::string detail = r.value("cause_detail", "");
  EXPECT_NE(detail.find("/sigrec-oom-"), std::string::npos) << r.dump();
}

TEST_F(CauseScenario, SigpipeNamesTheWriter) {
  auto run = runScenario(program("sigpipe"));
  long child = run["child"];
  expectFatalCause(run, child, "SIGPIPE", "pipe", child, "write");
}

TEST_F(CauseScenario, AlarmIsTheTimersOwners) {
  auto run = runScenario(program("timers") + " alarm");
  long child = run["child"];
  expectFatalCause(run, child, "SIGALRM", "timer", child, "ITIMER_REAL (alarm)");
}

TEST_F(CauseScenario, RlimitCpu) {
  auto run = runScenario(program("rlimit") + " cpu");
  long child = run["child"];
  expectFatalCause(run, child, "SIGXCPU", "rlimit", child, "RLIMIT_CPU");
}

TEST_F(CauseScenario, RlimitFsize) {
  auto run = runScenario(program("rlimit") + " fsize");
  long child = run["child"];
  expectFatalCause(run, child, "SIGXFSZ", "rlimit", child, "RLIMIT_FSIZE");
}

TEST_F(CauseScenario, PtyHangup) {
  auto run = runScenario(program("tty"));
  long child = run["child"];
  // The hang-up signals the session leader, and its process group: every
  // SIGHUP it got is the tty's.
  bool fatal = false;
  for (const Json& r : run.whoKilled(child)) {
    if (r["signal_name"] != "SIGHUP") continue;
    EXPECT_EQ(r["cause"], "tty") << r.dump();
    EXPECT_EQ(r["cause_detail"], "hang-up") << r.dump();
    fatal = fatal || r["fatal"].get<bool>();
  }
  EXPECT_TRUE(fatal);
  EXPECT_EQ(run.exitOf(child)["cause"], "tty");
}

TEST_F(CauseScenario, SigioGoesToTheDescriptorsOwner) {
  auto run = runScenario(program("sigio"));
  long owner = run["owner"], writer = run["writer"];
  expectFatalCause(run, owner, "SIGIO", "io", owner, "made ready by pid " + std::to_string(writer));
}

TEST_F(CauseScenario, ForgedSigqueueinfo) {
  auto run = runScenario(program("forge"));
  long target = run["target"], self = run["self"];
  Json r = signalRow(run, target, "SIGTERM");
  EXPECT_EQ(r["cause"], "syscall") << r.dump();
  EXPECT_EQ(r["cause_pid"], self) << r.dump();
  EXPECT_TRUE(r["forged_siginfo"]) << r.dump();
  EXPECT_EQ(r["claimed_pid"], 1) << r.dump();
  EXPECT_EQ(r["claimed_uid"], 4242) << r.dump();
  std::string table = run.siganText("who-killed " + std::to_string(target), "table");
  EXPECT_NE(table.find("[forged siginfo]"), std::string::npos) << table;
}

// The cause facts are read where they decide the cause: for a kernel
// signal (the SIGCHLD a child's exit sends), not for a kill() signal, whose
// cause is the call (their columns are then NULL, docs/schema.md).
TEST_F(CauseScenario, FactsAreReadOnlyWhereTheyDecideTheCause) {
  auto run =
      runScenario(shell("sleep 10 & p=$!; echo victim=$p; kill -TERM $p; wait; echo shell=$$"));
  const std::string facts =
      "SELECT actor_exiting, actor_ns_pid, actor_syscall, actor_cgroup_id FROM signals WHERE ";
  auto term = run.sql(facts + "signo = 15 AND target_pid = " + std::to_string(run["victim"]));
  ASSERT_EQ(term.size(), 1u);
  EXPECT_TRUE(term[0]["actor_exiting"].is_null()) << term[0].dump();
  EXPECT_TRUE(term[0]["actor_ns_pid"].is_null()) << term[0].dump();
  EXPECT_TRUE(term[0]["actor_syscall"].is_null()) << term[0].dump();
  EXPECT_FALSE(term[0]["actor_cgroup_id"].is_null()) << term[0].dump();
  auto chld = run.sql(facts + "signo = 17 AND target_pid = " + std::to_string(run["shell"]));
  ASSERT_EQ(chld.size(), 1u);
  EXPECT_EQ(chld[0]["actor_exiting"], 1) << chld[0].dump();
  EXPECT_FALSE(chld[0]["actor_ns_pid"].is_null()) << chld[0].dump();
}

TEST_F(CauseScenario, ContainerAndUnitFromTheCgroupPath) {
  auto run = runScenario(program("cgroup_names"));
  if (run.value.count("skip")) GTEST_SKIP() << "no cgroup v2 hierarchy";
  const std::string id = "4f1e0a9c2b7d3e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7";
  long inContainer = run["container_pid"], inService = run["service_pid"];
  Json c = signalRow(run, inContainer, "SIGTERM");
  EXPECT_EQ(c["container_id"], id) << c.dump();
  EXPECT_EQ(c["unit"], "docker-" + id + ".scope") << c.dump();
  Json s = signalRow(run, inService, "SIGTERM");
  EXPECT_EQ(s["unit"], "x.service") << s.dump();
  EXPECT_TRUE(s["container_id"].is_null()) << s.dump();
  EXPECT_EQ(s["slice"].get<std::string>().rfind("sigrec-names-", 0), 0u) << s.dump();
  auto exit = run.exitOf(inContainer);
  EXPECT_EQ(exit["container_id"], id) << exit.dump();
  // The filters keep exactly the process they name.
  auto byContainer = run.sigan("exits --container " + id.substr(0, 12));
  ASSERT_EQ(byContainer.size(), 1u);
  EXPECT_EQ(byContainer[0]["pid"], inContainer);
  auto byUnit = run.sigan("exits --unit x.service");
  ASSERT_EQ(byUnit.size(), 1u);
  EXPECT_EQ(byUnit[0]["pid"], inService);
  auto byCgroup = run.sigan("exits --cgroup " + s["cgroup"].get<std::string>());
  ASSERT_EQ(byCgroup.size(), 1u);
  EXPECT_EQ(byCgroup[0]["pid"], inService);
  std::string slice = "/" + s["slice"].get<std::string>();
  EXPECT_EQ(run.sigan("exits --cgroup " + slice).size(), 2u);
  EXPECT_EQ(run.sigan("who-killed " + std::to_string(inService) + " --unit x.service").size(), 1u);
}

}  // namespace
}  // namespace sigrec::testing
