// The recorder under faults: killed mid-capture, disk full, events arriving
// faster than they can be drained, and kernel-side filters.
#include <gtest/gtest.h>
#include <signal.h>

#include <filesystem>
#include <numeric>

#include "tests/e2e/recorder_fixture.h"
#include "tests/support/bpf_guard.h"
#include "tests/support/paths.h"

namespace sigrec::testing {
namespace {

using Event = schema::Event::Reader;

class RobustnessE2e : public ::testing::Test {
 protected:
  void SetUp() override { SIGREC_REQUIRE_ROOT_OR_SKIP(); }
};

TEST_F(RobustnessE2e, KilledRecorderLeavesAReadableCapture) {
  TempDir dir;
  const std::string file = dir.file("killed.sigrec");
  // Events keep coming for 3 s; sigrec is SIGKILLed 2.5 s after it starts
  // recording, so at least two 1-second flushes have happened.
  auto r =
      runCommand(sigrecPath() + " -o " + file + " 2>" + dir.file("err") + " -- " + scenarioPath() +
                 " exec-loop 3 & until grep -qs recording " + dir.file("err") +
                 "; do sleep 0.1; done; sleep 2.5; kill -KILL $!; wait $!; s=$?; sleep 0.6; "
                 "exit $s");
  EXPECT_EQ(r.status, 128 + SIGKILL);
  auto c = loadCapture(file);
  ASSERT_EQ(c.infos.size(), 1u);
  ASSERT_EQ(c.snapshots.size(), 1u);
  EXPECT_TRUE(c.trailers.empty());
  auto execs = c.where([](Event e) { return e.which() == schema::Event::EXEC; });
  EXPECT_GT(execs.size(), 10u);
  for (const auto& d : c.damage) EXPECT_TRUE(d.truncation) << d.what;
  // Flushed at least every second: nothing older than ~1 s before the kill
  // is missing, so the newest event is at least 1 s after the first.
  ASSERT_FALSE(c.events.empty());
  EXPECT_GT(c.events.back().getTimeNs() - c.events.front().getTimeNs(), 1'000'000'000u);
}

TEST_F(RobustnessE2e, DiskFullStopsWithAClearErrorAndAValidFile) {
  TempDir dir;
  const std::string mnt = dir.file("small"), copy = dir.file("copy.sigrec");
  std::filesystem::create_directory(mnt);
  // A 512 KiB tmpfs in a private mount namespace fills in a second or two of
  // exec events with 2 KB command lines.
  auto r = runCommand("unshare -m sh -c 'mount -t tmpfs -o size=512k none " + mnt + " && " +
                      sigrecPath() + " -o " + mnt + "/x.sigrec -- " + scenarioPath() +
                      " exec-loop 0 2000; s=$?; cp " + mnt + "/x.sigrec " + copy + "; exit $s'");
  EXPECT_NE(r.status, 0);
  EXPECT_NE(r.err.find("No space left on device"), std::string::npos) << r.err;
  auto c = loadCapture(copy);
  EXPECT_TRUE(c.damage.empty());  // the partial frame was cut off
  ASSERT_EQ(c.infos.size(), 1u);
  EXPECT_GT(c.events.size(), 0u);
}

TEST_F(RobustnessE2e, OverflowIsCountedExactly) {
  SIGREC_SKIP_WITHOUT_SYSCALL_HOOKS();  // counts kill calls and their signals apart
  // The drain keeps up with a storm on its own, so it is stalled on purpose
  // (SIGSTOP) while 200k calls make 400k events: far more than a 1 MiB ring
  // buffer holds. Only SIGUSR2 is recorded, so that kill calls of other
  // processes (lost ones carry no pid) cannot blur the count.
  constexpr long kCalls = 200'000;
  TempDir dir;
  const std::string file = dir.file("overflow.sigrec"), err = dir.file("err");
  auto r = runCommand(sigrecPath() + " -o " + file + " --ring-buffer-mb 1 --signal USR2 -d 30 2>" +
                      err + " & s=$!; until grep -qs recording " + err + "; do sleep 0.05; done; " +
                      "kill -STOP $s; " + scenarioPath() + " ignored-storm " +
                      std::to_string(kCalls) + "; kill -CONT $s; sleep 0.3; kill -INT $s; wait $s");
  ASSERT_EQ(r.status, 0) << r.err;
  long storm = std::stol(r.out.substr(r.out.find("self=") + 5));
  auto c = loadCapture(file);
  ASSERT_EQ(c.trailers.size(), 1u);
  auto trailer = c.trailers[0];
  ASSERT_GT(trailer.getLost(), 0u) << "the burst did not overflow the ring buffer";

  uint64_t lostCalls = 0, lostSignals = 0, emittedAll = 0;
  for (auto counter : trailer.getCounters()) {
    emittedAll += counter.getEmitted();
    if (counter.getProbe() == schema::Probe::KILL_CALL) lostCalls += counter.getLost();
    if (counter.getProbe() == schema::Probe::SIGNAL_GENERATE) lostSignals += counter.getLost();
  }
  auto calls = c.where([&](Event e) {
    return e.which() == schema::Event::KILL_CALL && e.getPid() == storm &&
           e.getKillCall().getArg1() == SIGUSR2;
  });
  auto signals = c.where(
      [&](Event e) { return e.which() == schema::Event::SIGNAL_GENERATE && e.getPid() == storm; });
  // Every call and every signal is either in the file or counted as lost.
  EXPECT_EQ(calls.size() + lostCalls, static_cast<uint64_t>(kCalls));
  EXPECT_EQ(signals.size() + lostSignals, static_cast<uint64_t>(kCalls));
  for (auto s : signals) EXPECT_EQ(s.getSignalGenerate().getResult(), 1);  // ignored
  EXPECT_EQ(emittedAll, c.events.size());
  uint64_t windowed = std::accumulate(c.losses.begin(), c.losses.end(), uint64_t{0},
                                      [](uint64_t sum, auto w) { return sum + w.getCount(); });
  EXPECT_EQ(windowed, trailer.getLost());
  for (auto w : c.losses) EXPECT_LE(w.getFromNs(), w.getToNs());

  // sigan warns that an answer covering the loss may be incomplete (the
  // storm's own exit, made while sigrec was stopped, is among the lost).
  auto answer = runCommand(buildDir() + "/sigan who-killed " + std::to_string(storm) + " " + file);
  ASSERT_EQ(answer.status, 0) << answer.err;
  EXPECT_NE(answer.err.find("may be incomplete"), std::string::npos) << answer.err;
  auto timeline = runCommand(buildDir() + "/sigan timeline --format json " + file);
  EXPECT_NE(timeline.out.find("\"kind\":\"loss\""), std::string::npos);
}

TEST_F(RobustnessE2e, SignalFilterDropsOtherSignalsInTheKernel) {
  auto rec = recordScenario("kill-from-child", "--signal KILL");
  ASSERT_EQ(rec.result.status, 0) << rec.result.err;
  long target = rec.value["target"];
  auto term = rec.capture.where([&](Event e) {
    return e.which() == schema::Event::SIGNAL_GENERATE &&
           e.getSignalGenerate().getTargetPid() == target;
  });
  EXPECT_TRUE(term.empty());
  EXPECT_EQ(rec.capture.infos[0].getSignalMask(), 1ull << (SIGKILL - 1));
  // Process lifecycle is still recorded.
  auto exits = rec.capture.where(
      [&](Event e) { return e.which() == schema::Event::EXIT && e.getPid() == target; });
  EXPECT_EQ(exits.size(), 1u);
}

TEST_F(RobustnessE2e, PidFilterKeepsOnlyThatProcess) {
  TempDir dir;
  const std::string file = dir.file("pid.sigrec");
  // Filter on a shell that exits once recording runs; other processes'
  // signals and calls are dropped, but never a fork, exec or exit: any
  // process may be a sender, named by them.
  const std::string err = dir.file("err");
  auto r = runCommand("sh -c 'until grep -qs recording " + err +
                      "; do sleep 0.1; done; exit 5' & " + "p=$!; " + sigrecPath() + " -o " + file +
                      " --pid $p -d 1.5 2>" + err + "; echo pid=$p");
  ASSERT_EQ(r.status, 0) << r.err;
  long pid = std::stol(r.out.substr(r.out.find("pid=") + 4));
  auto c = loadCapture(file);
  ASSERT_FALSE(c.events.empty());
  for (auto e : c.events) {
    bool lifecycle = e.which() == schema::Event::FORK || e.which() == schema::Event::EXEC ||
                     e.which() == schema::Event::EXIT;
    bool mine = e.getPid() == pid || (e.which() == schema::Event::SIGNAL_GENERATE &&
                                      e.getSignalGenerate().getTargetPid() == pid);
    EXPECT_TRUE(mine || lifecycle) << "event of pid " << e.getPid();
  }
}

}  // namespace
}  // namespace sigrec::testing

namespace sigrec::testing {
namespace {

TEST_F(RobustnessE2e, SizeLimitStopsCleanly) {
  TempDir dir;
  const std::string file = dir.file("limited.sigrec");
  auto r = runCommand(sigrecPath() + " -o " + file + " --max-size 64K -- " + scenarioPath() +
                      " exec-loop 0 1000");
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.err.find("waiting for the command"), std::string::npos) << r.err;
  auto c = loadCapture(file);
  ASSERT_EQ(c.trailers.size(), 1u);
  EXPECT_EQ(c.trailers[0].getStopReason(), "size limit");
  EXPECT_TRUE(c.damage.empty());
}

TEST_F(RobustnessE2e, RotationKeepsTheNewestFilesEachStandingAlone) {
  TempDir dir;
  const std::string base = dir.file("rot.sigrec");
  auto r = runCommand(sigrecPath() + " -o " + base + " --max-size 32K --rotate 3 -- " +
                      scenarioPath() + " exec-loop 5 500");
  ASSERT_EQ(r.status, 0) << r.err;
  std::vector<std::string> files;
  for (const auto& entry : std::filesystem::directory_iterator(dir.path())) {
    if (entry.path().extension() == ".sigrec") files.push_back(entry.path().string());
  }
  std::sort(files.begin(), files.end());
  ASSERT_EQ(files.size(), 3u) << r.err;
  EXPECT_EQ(files.front().find("rot.0000.sigrec"), std::string::npos);  // oldest were removed
  uint32_t previous = 0;
  for (size_t i = 0; i < files.size(); ++i) {
    auto c = loadCapture(files[i]);
    ASSERT_EQ(c.infos.size(), 1u) << files[i];
    ASSERT_EQ(c.snapshots.size(), 1u) << files[i];
    ASSERT_EQ(c.trailers.size(), 1u) << files[i];
    EXPECT_TRUE(c.damage.empty());
    uint32_t sequence = c.infos[0].getFileSequence();
    if (i > 0) {
      EXPECT_EQ(sequence, previous + 1);
    }
    previous = sequence;
    EXPECT_EQ(c.trailers[0].getEvents(), c.events.size());
    EXPECT_EQ(c.trailers[0].getStopReason(), i + 1 < files.size() ? "rotated" : "command exited");
  }
}

TEST_F(RobustnessE2e, RedactionMasksSecretsBeforeTheyAreWritten) {
  TempDir dir;
  auto values = runCommand(sigrecPath() + " -o " + dir.file("v.sigrec") +
                           " --redact values -- /bin/true --password hunter2 TOKEN=abc plain");
  ASSERT_EQ(values.status, 0) << values.err;
  auto c = loadCapture(dir.file("v.sigrec"));
  // The recording is system-wide: pick this test's exec by its arguments.
  auto execs = c.where([](Event e) {
    return e.which() == schema::Event::EXEC && e.getExec().getArgv().size() == 5 &&
           std::string(e.getExec().getArgv()[1].cStr()) == "--password";
  });
  ASSERT_EQ(execs.size(), 1u);
  auto argv = execs[0].getExec().getArgv();
  ASSERT_EQ(argv.size(), 5u);
  EXPECT_EQ(std::string(argv[1].cStr()), "--password");
  EXPECT_EQ(std::string(argv[2].cStr()), "<redacted>");
  EXPECT_EQ(std::string(argv[3].cStr()), "TOKEN=<redacted>");
  EXPECT_EQ(std::string(argv[4].cStr()), "plain");
  EXPECT_EQ(std::string(c.infos[0].getCommand()[2].cStr()), "<redacted>");

  auto args = runCommand(sigrecPath() + " -o " + dir.file("a.sigrec") +
                         " --redact args -- /bin/true secret-arg");
  ASSERT_EQ(args.status, 0) << args.err;
  auto c2 = loadCapture(dir.file("a.sigrec"));
  for (auto e : c2.events) {
    if (e.which() != schema::Event::EXEC) continue;
    for (size_t i = 1; i < e.getExec().getArgv().size(); ++i) {
      EXPECT_EQ(std::string(e.getExec().getArgv()[i].cStr()), "<redacted>");
    }
  }
  for (auto p : c2.snapshots[0].getProcesses()) {
    for (size_t i = 1; i < p.getCmdline().size(); ++i) {
      EXPECT_EQ(std::string(p.getCmdline()[i].cStr()), "<redacted>");
    }
  }
}

}  // namespace
}  // namespace sigrec::testing
