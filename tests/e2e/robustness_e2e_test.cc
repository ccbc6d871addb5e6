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
  // Events keep coming for 3 s; sigrec is SIGKILLed after 2.5 s, so at least
  // two 1-second flushes have happened.
  auto r = runCommand(sigrecPath() + " -o " + file + " -- " + scenarioPath() +
                      " exec-loop 3 & sleep 2.5; kill -KILL $!; wait $!; s=$?; sleep 0.6; exit $s");
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
                      " exec-loop 6; s=$?; cp " + mnt + "/x.sigrec " + copy + "; exit $s'");
  EXPECT_NE(r.status, 0);
  EXPECT_NE(r.err.find("No space left on device"), std::string::npos) << r.err;
  auto c = loadCapture(copy);
  EXPECT_TRUE(c.damage.empty());  // the partial frame was cut off
  ASSERT_EQ(c.infos.size(), 1u);
  EXPECT_GT(c.events.size(), 0u);
}

TEST_F(RobustnessE2e, OverflowIsCountedExactly) {
  // The drain keeps up with a storm on its own, so it is stalled on purpose
  // (SIGSTOP) while 200k calls make 400k events: far more than a 1 MiB ring
  // buffer holds.
  constexpr long kCalls = 200'000;
  TempDir dir;
  const std::string file = dir.file("overflow.sigrec"), err = dir.file("err");
  auto r = runCommand(sigrecPath() + " -o " + file + " --ring-buffer-mb 1 -d 30 2>" + err +
                      " & s=$!; until grep -q recording " + err + "; do sleep 0.05; done; " +
                      "kill -STOP $s; " + scenarioPath() + " ignored-storm " +
                      std::to_string(kCalls) + "; kill -CONT $s; sleep 0.3; kill -INT $s; wait $s");
  ASSERT_EQ(r.status, 0) << r.err;
  long storm = std::stol(r.out.substr(r.out.find("self=") + 5));
  auto c = loadCapture(file);
  ASSERT_EQ(c.trailers.size(), 1u);
  auto trailer = c.trailers[0];
  ASSERT_GT(trailer.getLost(), 0u) << "the burst did not overflow the ring buffer";

  uint64_t lostCalls = 0, emittedAll = 0;
  for (auto counter : trailer.getCounters()) {
    emittedAll += counter.getEmitted();
    if (counter.getProbe() == schema::Probe::KILL_CALL) lostCalls += counter.getLost();
  }
  auto calls = c.where([&](Event e) {
    return e.which() == schema::Event::KILL_CALL && e.getPid() == storm &&
           e.getKillCall().getArg1() == SIGUSR2;
  });
  auto otherCalls = c.where([&](Event e) {
    return e.which() == schema::Event::KILL_CALL && e.getPid() != storm;
  });
  // Every call is either in the file or counted as lost: nothing vanishes.
  // Lost calls carry no pid; besides the storm's, only the shell's
  // `kill -CONT`, made while the buffer is still full, can be among them.
  EXPECT_GE(calls.size() + lostCalls, static_cast<uint64_t>(kCalls));
  EXPECT_LE(calls.size() + lostCalls, static_cast<uint64_t>(kCalls) + 1);
  EXPECT_EQ(emittedAll, c.events.size());
  uint64_t windowed = std::accumulate(c.losses.begin(), c.losses.end(), uint64_t{0},
                                      [](uint64_t sum, auto w) { return sum + w.getCount(); });
  EXPECT_EQ(windowed, trailer.getLost());
  for (auto w : c.losses) EXPECT_LE(w.getFromNs(), w.getToNs());
  EXPECT_LE(otherCalls.size(), 3u);
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
  // Filter on a shell that kills itself; other processes' events are dropped.
  auto r = runCommand("sh -c 'sleep 0.5; exit 5' & p=$!; " + sigrecPath() + " -o " + file +
                      " --pid $p -d 1.5; echo pid=$p");
  ASSERT_EQ(r.status, 0) << r.err;
  long pid = std::stol(r.out.substr(r.out.find("pid=") + 4));
  auto c = loadCapture(file);
  ASSERT_FALSE(c.events.empty());
  for (auto e : c.events) {
    bool mine = e.getPid() == pid ||
                (e.which() == schema::Event::SIGNAL_GENERATE &&
                 e.getSignalGenerate().getTargetPid() == pid);
    EXPECT_TRUE(mine) << "event of pid " << e.getPid();
  }
}

}  // namespace
}  // namespace sigrec::testing
