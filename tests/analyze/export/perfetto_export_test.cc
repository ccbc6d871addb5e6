// sigan export --perfetto on the synthetic scenario (tests/analyze/scenario.h):
// the file parses, holds the trace-event invariants, and shows the known
// incidents: pkill's kill call with its arrow to sleep, the reused pid as two
// tracks, the kernel's SIGSEGV, the failed EPERM call, the loss window.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <fstream>
#include <memory>
#include <sstream>

#include "analyze/cli/cli.h"
#include "tests/analyze/export/trace_check.h"
#include "tests/analyze/scenario.h"

namespace sigrec::analyze {
namespace {

using nlohmann::json;
using testing::traceEvents;
using testing::tracePids;

class PerfettoExportTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = std::make_unique<testing::TempDir>();
    testing::Scenario().build().write(*dir_ / "s.sigrec");
  }
  static void TearDownTestSuite() { dir_.reset(); }

  static std::string path(const std::string& name) { return (*dir_ / name).string(); }
  static int sigan(const std::vector<std::string>& args, std::string* err = nullptr) {
    std::ostringstream out, errs;
    int status = runSigan(args, out, errs);
    if (err) *err = errs.str();
    return status;
  }
  // Exports with EXTRA options and returns the parsed, checked trace.
  static json trace(const std::vector<std::string>& extra = {},
                    const std::string& capture = "s.sigrec") {
    std::vector<std::string> args = {"export", "--perfetto", "-o", path("t.json"), path(capture)};
    args.insert(args.end(), extra.begin(), extra.end());
    std::string err;
    EXPECT_EQ(sigan(args, &err), 0) << err;
    json t = json::parse(std::ifstream(path("t.json")));
    for (const std::string& violation : testing::traceViolations(t)) ADD_FAILURE() << violation;
    return t;
  }
  static std::vector<json> on(const json& t, int64_t pid, const std::string& cat) {
    return traceEvents(t, [&](const json& e) {
      return e.value("pid", -1) == pid && e.value("cat", "").find(cat) == 0;
    });
  }
  static int64_t onlyPid(const json& t, const std::string& name) {
    auto pids = tracePids(t, name);
    EXPECT_EQ(pids.size(), 1u) << name;
    return pids.empty() ? -1 : pids[0];
  }

  static std::unique_ptr<testing::TempDir> dir_;
};
std::unique_ptr<testing::TempDir> PerfettoExportTest::dir_;

TEST_F(PerfettoExportTest, KillCallArrowRunsFromPkillToSleep) {
  json t = trace();
  int64_t pkill = onlyPid(t, "pkill 1234"), sleep = onlyPid(t, "sleep 4242");
  auto calls = on(t, pkill, "kill_call");
  ASSERT_EQ(calls.size(), 1u);
  EXPECT_EQ(calls[0]["name"], "kill(4242, SIGTERM)");
  // From entry (250 us) to the signal it generated (300 us).
  EXPECT_DOUBLE_EQ(calls[0]["dur"].get<double>(), 50.0) << calls[0].dump();
  auto sends = on(t, pkill, "send");
  ASSERT_EQ(sends.size(), 1u);
  EXPECT_GE(sends[0]["ts"].get<double>(), calls[0]["ts"].get<double>());
  EXPECT_LE(sends[0]["ts"].get<double>(),
            calls[0]["ts"].get<double>() + calls[0]["dur"].get<double>());
  json arrival = testing::flowPartner(t, sends[0]);
  ASSERT_FALSE(arrival.is_null());
  EXPECT_EQ(arrival["pid"], sleep);
  EXPECT_EQ(arrival["name"], "SIGTERM \u2190 1234 pkill (fatal)");
  EXPECT_EQ(arrival["cat"], "signal,fatal");
  EXPECT_EQ(arrival["args"]["origin"], "kill");
  EXPECT_EQ(arrival["args"]["time"], "2026-11-23T14:00:01.000300000Z");
  EXPECT_EQ(arrival["ts"], sends[0]["ts"]);
}

TEST_F(PerfettoExportTest, LifeSlicesSayHowEachProcessEnded) {
  json t = trace();
  int64_t sleep = onlyPid(t, "sleep 4242");
  auto life = on(t, sleep, "process");
  ASSERT_EQ(life.size(), 2u);
  EXPECT_EQ(life[0]["ph"], "B");
  EXPECT_EQ(life[0]["args"]["from"], "before the capture");
  EXPECT_EQ(life[1]["ph"], "E");
  EXPECT_EQ(life[1]["args"]["reason"], "signal");
  EXPECT_EQ(life[1]["args"]["signal"], "SIGTERM");
  auto delivered = on(t, sleep, "delivery");
  ASSERT_EQ(delivered.size(), 1u);
  EXPECT_EQ(delivered[0]["name"], "deliver SIGTERM: default");
  auto three = on(t, onlyPid(t, "sh 3100"), "process");
  ASSERT_EQ(three.size(), 2u);
  EXPECT_EQ(three[0]["args"]["from"], "fork");
  EXPECT_EQ(three[1]["args"]["exit_status"], 3);
}

TEST_F(PerfettoExportTest, ReusedPidGetsATrackPerInstance) {
  json t = trace();
  auto first = tracePids(t, "sleep 5000"), second = tracePids(t, "python3 5000");
  ASSERT_EQ(first.size(), 1u);
  ASSERT_EQ(second.size(), 1u);
  EXPECT_NE(first[0], second[0]);
  EXPECT_EQ(on(t, first[0], "signal")[0]["args"]["signal_name"], "SIGKILL");
  EXPECT_EQ(on(t, second[0], "signal")[0]["args"]["signal_name"], "SIGTERM");
}

TEST_F(PerfettoExportTest, KernelSignalsAreMarkedAndHaveNoArrow) {
  json t = trace();
  auto segv = on(t, onlyPid(t, "crashy 3000"), "signal");
  ASSERT_EQ(segv.size(), 1u);
  EXPECT_EQ(segv[0]["cat"], "signal,kernel,fatal");
  EXPECT_EQ(segv[0]["args"]["kernel_origin"], true);
  EXPECT_EQ(segv[0]["args"]["code_name"], "SEGV_MAPERR");
  EXPECT_FALSE(segv[0].contains("bind_id"));
}

TEST_F(PerfettoExportTest, FailedCallsAndLossesAreShown) {
  json t = trace();
  auto calls = on(t, onlyPid(t, "evil 2000"), "kill_call");
  ASSERT_EQ(calls.size(), 1u);
  EXPECT_EQ(calls[0]["name"], "kill(4242, SIGKILL) = EPERM");
  auto losses = traceEvents(t, [](const json& e) { return e.value("cat", "") == "loss"; });
  ASSERT_EQ(losses.size(), 1u);
  EXPECT_EQ(losses[0]["args"]["count"], 3);
  EXPECT_DOUBLE_EQ(losses[0]["dur"].get<double>(), 100'000.0);
  EXPECT_EQ(t["otherData"]["captures"][0]["hostname"], "host-a");
}

TEST_F(PerfettoExportTest, PidFilterKeepsAncestrySendersAndCallers) {
  json t = trace({"--pid", "4242"});
  for (const char* name :
       {"sleep 4242", "bash 1000", "sshd 900", "systemd 1", "pkill 1234", "evil 2000"})
    EXPECT_EQ(tracePids(t, name).size(), 1u) << name;
  for (const char* name : {"crashy", "hog", "python3"})
    EXPECT_TRUE(tracePids(t, name).empty()) << name;
}

TEST_F(PerfettoExportTest, SignalAndTimeFiltersNarrowTheTrace) {
  json t = trace({"--signal", "SEGV"});
  auto signals =
      traceEvents(t, [](const json& e) { return e.value("cat", "").find("signal") == 0; });
  ASSERT_EQ(signals.size(), 1u);
  EXPECT_EQ(signals[0]["args"]["signal_name"], "SIGSEGV");
  EXPECT_TRUE(tracePids(t, "pkill").empty());

  json w = trace({"--since", "2026-11-23T14:00:03Z", "--until", "2026-11-23T14:00:05Z"});
  double since = 1795442403e6, until = 1795442405e6;
  size_t timed = 0;
  for (const json& e : w["traceEvents"]) {
    if (!e.contains("ts")) continue;
    ++timed;
    EXPECT_GE(e["ts"].get<double>(), since) << e.dump();
    EXPECT_LE(e["ts"].get<double>(), until) << e.dump();
  }
  EXPECT_GT(timed, 0u);
  EXPECT_EQ(tracePids(w, "sleep 5000").size(), 1u);
  EXPECT_TRUE(tracePids(w, "crashy").empty());
}

TEST_F(PerfettoExportTest, IdleSnapshotProcessesAreLeftOut) {
  testing::CaptureBuilder b = testing::Scenario().build();
  b.process({777, 1, 50 * testing::kSec, "idle", "/usr/sbin/idle", {"idle"}});
  b.write(*dir_ / "idle.sigrec");
  json t = trace({}, "idle.sigrec");
  EXPECT_TRUE(tracePids(t, "idle 777").empty());
  EXPECT_EQ(tracePids(t, "daemon 6100").size(), 1u);  // in the snapshot too, but signalled
  EXPECT_EQ(tracePids(t, "systemd 1").size(), 1u);    // an ancestor
}

TEST_F(PerfettoExportTest, SigchldStormIsDecimatedUnlessAsked) {
  testing::CaptureBuilder b;
  testing::Task shell{1000, 1000, 500 * testing::kSec, "bash"};
  b.process({1000, 1, 500 * testing::kSec, "bash", "/bin/bash", {"bash"}});
  for (int i = 0; i < 500; ++i)
    b.generate(testing::kT0 + 100 * testing::kMs + i * testing::kUs, shell, 17, 1, shell,
               schema::Syscall::NONE);
  b.write(*dir_ / "storm.sigrec");
  json t = trace({}, "storm.sigrec");
  auto signals =
      traceEvents(t, [](const json& e) { return e.value("cat", "") == "signal,kernel"; });
  EXPECT_EQ(signals.size(), 20u);
  auto summary = traceEvents(t, [](const json& e) { return e.value("cat", "") == "decimated"; });
  ASSERT_EQ(summary.size(), 1u);
  EXPECT_EQ(summary[0]["args"]["decimated"], 480);
  EXPECT_EQ(t["otherData"]["decimated_events"], 480);
  json all = trace({"--no-decimate"}, "storm.sigrec");
  EXPECT_EQ(
      traceEvents(all, [](const json& e) { return e.value("cat", "") == "signal,kernel"; }).size(),
      500u);
}

TEST_F(PerfettoExportTest, BadInputIsOneLineAndAStatus) {
  std::string err;
  EXPECT_EQ(sigan({"export", "--perfetto", path("s.sigrec")}, &err), 2);
  EXPECT_NE(err.find("-o"), std::string::npos) << err;
  EXPECT_EQ(
      sigan({"export", "--perfetto", "-o", path("x.json"), path("s.sigrec"), "--signal", "SIGNOPE"},
            &err),
      2);
  EXPECT_EQ(
      sigan({"export", "--perfetto", "-o", path("x.json"), path("s.sigrec"), "--pid", "77"}, &err),
      1);
  EXPECT_EQ(err, "sigan: pid 77 does not appear in the capture\n");
  EXPECT_EQ(sigan({"export", "--perfetto", "-o", path("s.sigrec"), path("s.sigrec")}, &err), 1);
  EXPECT_NE(err.find("is a capture or a database"), std::string::npos) << err;
  EXPECT_EQ(sigan({"export", "-o", path("x.json"), path("s.sigrec")}, &err), 2);
}

}  // namespace
}  // namespace sigrec::analyze
