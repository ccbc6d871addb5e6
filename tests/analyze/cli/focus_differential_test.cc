// The focused first answer on a capture file equals the full import's:
// samples/*.sigrec, the analyzer's synthetic scenario, and synthetic
// captures with what a focus rule could get wrong (docs/sigan.md, "The
// first answer on a capture file").
#include <gtest/gtest.h>

#include <filesystem>

#include "tests/support/capture_builder.h"
#include "tests/analyze/cli/focus_differential.h"
#include "tests/analyze/scenario.h"
#include "tests/support/paths.h"

namespace sigrec::testing {
namespace {

using S = schema::Syscall;

class FocusDifferential : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!std::getenv("SIGREC_BUILD_DIR"))
      GTEST_SKIP() << "SIGREC_BUILD_DIR not set (run through ctest)";
    ASSERT_TRUE(std::filesystem::exists(buildDir() + "/sigan"));
  }
  std::string write(const CaptureBuilder& b, const std::string& name) {
    std::string path = (dir_ / name).string();
    b.write(path);
    return path;
  }
  TempDir dir_;
};

constexpr uint64_t kT = 1000 * kSec;

// Senders and bystanders: a daemon, a shell and noise between them that a
// focus passes over, some of it changing what is known of the senders
// (comm of a later event, first and last seen).
struct Cast {
  Task init{1, 1, 1 * kSec, "systemd"};
  Task shell{200, 200, 6 * kSec, "sh"};
  Task daemon{100, 100, 5 * kSec, "daemon"};
  Task other{300, 300, 7 * kSec, "other"};

  CaptureBuilder base() const {
    CaptureBuilder b;
    b.process({1, 0, 1 * kSec, "systemd", "/sbin/init", {"/sbin/init"}})
        .process({100, 1, 5 * kSec, "daemon", "/usr/sbin/daemon", {"daemon", "-f"}})
        .process({200, 1, 6 * kSec, "sh", "/bin/sh", {"sh"}})
        .process({300, 1, 7 * kSec, "other", "/bin/other", {"other"}});
    return b;
  }
  // Signals among bystanders only, from FROM (the daemon by default),
  // whose comm changes in them: the last one names it in the full import.
  void noise(CaptureBuilder& b, uint64_t t, int rounds, Task from = {}) const {
    if (from.pid == 0) from = daemon;
    const std::string comm = from.comm;
    for (int i = 0; i < rounds; ++i) {
      uint64_t at = t + static_cast<uint64_t>(i) * 10 * kUs;
      from.comm = i % 2 ? comm + "-busy" : comm;
      b.generate(at, from, 10, 0, other, S::KILL, at - 1)
          .killCall(at + 1, from, S::KILL, at - 1, 0, {300, 10}, 1)
          .deliver(at + 2, other, 10, schema::Disposition::HANDLER);
    }
  }
};

TEST_F(FocusDifferential, Samples) {
  size_t asked = 0;
  for (const auto& entry : std::filesystem::directory_iterator(SIGAN_SAMPLES_DIR))
    if (entry.path().extension() == ".sigrec") asked += expectFocusInvisible(entry.path().string());
  EXPECT_GT(asked, 8u);
}

TEST_F(FocusDifferential, AnalyzerScenario) {
  EXPECT_GT(expectFocusInvisible(write(Scenario().build(), "scenario.sigrec")), 8u);
}

// kill(-pgid): one call, a signal to each member; kill(-1); pid reuse with
// a signal at each instance; a sender renamed after it signalled.
TEST_F(FocusDifferential, GroupKillsAndPidReuse) {
  Cast c;
  CaptureBuilder b = c.base();
  Task lead{8000, 8000, kT + 1 * kMs, "lead"}, m1{8001, 8001, kT + 2 * kMs, "m1"},
      m2{8002, 8002, kT + 3 * kMs, "m2"};
  b.fork(kT + 1 * kMs, c.shell, 8000, lead.startNs)
      .fork(kT + 2 * kMs, lead, 8001, m1.startNs)
      .fork(kT + 3 * kMs, lead, 8002, m2.startNs);
  c.noise(b, kT + 10 * kMs, 40);
  const uint64_t g = kT + 100 * kMs;
  b.generate(g + 10, c.daemon, 15, 0, lead, S::KILL, g)
      .generate(g + 20, c.daemon, 15, 0, m1, S::KILL, g)
      .generate(g + 30, c.daemon, 15, 0, m2, S::KILL, g)
      .killCall(g + 40, c.daemon, S::KILL, g, 0, {-8000, 15}, 3)
      .deliver(g + 50, lead, 15)
      .deliver(g + 60, m1, 15)
      .exit(g + 70, lead, 15, true, 200, c.shell.startNs)
      .exit(g + 80, m1, 15, true, 8000, lead.startNs);
  // kill(-1) from a child of the shell, which is renamed only in signals
  // it sends elsewhere: the ancestry line shows the full import's name.
  const uint64_t h = kT + 200 * kMs;
  Task bcast{8500, 8500, kT + 150 * kMs, "bcast"};
  b.fork(kT + 150 * kMs, c.shell, 8500, bcast.startNs);
  c.noise(b, kT + 160 * kMs, 10, c.shell);
  b.generate(h + 10, bcast, 1, 0, m2, S::KILL, h)
      .generate(h + 20, bcast, 1, 0, c.other, S::KILL, h)
      .killCall(h + 30, bcast, S::KILL, h, 0, {-1, 1}, 2)
      .deliver(h + 40, m2, 1)
      .exit(h + 50, m2, 1, true, 8000, lead.startNs);
  // 8001 again: SIGKILL by tgkill, after the daemon's comm changed.
  Task again{8001, 8001, kT + 300 * kMs, "again"};
  const uint64_t r = kT + 400 * kMs;
  b.fork(kT + 300 * kMs, c.shell, 8001, again.startNs)
      .exec(kT + 301 * kMs, again, "/bin/again", {"again", "--x"});
  c.noise(b, kT + 310 * kMs, 40);
  b.generate(r + 10, c.daemon, 9, -6, again, S::TGKILL, r, 0, false)
      .killCall(r + 20, c.daemon, S::TGKILL, r, 0, {8001, 8001, 9}, 1)
      .exit(r + 30, again, 9, true, 200, c.shell.startNs)
      .generate(r + 40, again, 17, 2, c.shell, S::NONE);
  c.noise(b, kT + 500 * kMs, 40);
  EXPECT_GT(expectFocusInvisible(write(b, "groups.sigrec")), 6u);
}

// A multi-threaded target: tgkill at a thread, a thread's delivery, a
// tkill SIGKILL that becomes a group exit (its SIGKILLs at the other
// threads), thread exits; a loss window during its life.
TEST_F(FocusDifferential, ThreadsAndLosses) {
  Cast c;
  CaptureBuilder b = c.base();
  Task main{9000, 9000, kT + 1 * kMs, "mt"}, t1{9000, 9001, kT + 1 * kMs, "mt-w1"},
      t2{9000, 9002, kT + 1 * kMs, "mt-w2"};
  b.fork(kT + 1 * kMs, c.shell, 9000, main.startNs)
      .exec(kT + 1 * kMs + 10, main, "/bin/mt", {"mt"})
      .fork(kT + 2 * kMs, main, 9001, 0, true, {kHostPidNs, 9000, 9001})
      .fork(kT + 3 * kMs, main, 9002, 0, true, {kHostPidNs, 9000, 9002});
  c.noise(b, kT + 5 * kMs, 30);
  const uint64_t a = kT + 50 * kMs;
  Task t1Target = main;
  t1Target.tid = 9001;
  b.generate(a + 10, c.daemon, 10, -6, t1Target, S::TGKILL, a, 0, false)
      .killCall(a + 20, c.daemon, S::TGKILL, a, 0, {9000, 9001, 10}, 1)
      .deliver(a + 30, t1, 10, schema::Disposition::HANDLER);
  const uint64_t k = kT + 60 * kMs;
  Task t2Target = main;
  t2Target.tid = 9002;
  b.generate(k + 10, c.other, 9, -6, t2Target, S::TKILL, k, 0, false)
      .killCall(k + 20, c.other, S::TKILL, k, 0, {9002, 9}, 1)
      .deliver(k + 30, t2, 9)
      .deliver(k + 40, t1, 9)
      .deliver(k + 50, main, 9)
      .exit(k + 60, t1, 9, false)
      .exit(k + 70, t2, 9, false)
      .exit(k + 80, main, 9, true, 200, c.shell.startNs);
  b.loss(0, schema::Probe::SIGNAL_GENERATE, 7, kT + 40 * kMs, kT + 45 * kMs);
  c.noise(b, kT + 70 * kMs, 30);
  EXPECT_GT(expectFocusInvisible(write(b, "threads.sigrec"), {9001, 9002}), 4u);
}

// Failed calls: EPERM at a live pid, ESRCH at a pid nobody holds, and from
// a caller in a pid namespace (its pid numbers are not the host's).
TEST_F(FocusDifferential, FailedCallsAndNamespaces) {
  Cast c;
  CaptureBuilder b = c.base();
  const uint32_t ns = 0xF0000001;
  Task nsInit{9700, 9700, kT + 1 * kMs, "nsinit"}, nsChild{9701, 9701, kT + 2 * kMs, "nschild"};
  b.fork(kT + 1 * kMs, c.shell, 9700, nsInit.startNs, false, {ns, 1, 1})
      .fork(kT + 2 * kMs, nsInit, 9701, nsChild.startNs, false, {ns, 2, 2});
  c.noise(b, kT + 5 * kMs, 20);
  const uint64_t f = kT + 50 * kMs;
  b.killCall(f, c.other, S::KILL, f - 5, -1, {9701, 15}, 0)
      .killCall(f + 10, c.daemon, S::KILL, f + 5, -3, {9500, 15}, 0)
      .killCall(f + 20, nsInit, S::KILL, f + 15, -1, {3, 15}, 0)
      .generate(f + 40, nsInit, 15, 0, nsChild, S::KILL, f + 30)
      .killCall(f + 50, nsInit, S::KILL, f + 30, 0, {2, 15}, 1)
      .deliver(f + 60, nsChild, 15)
      .exit(f + 70, nsChild, 15, true, 9700, nsInit.startNs)
      .exit(f + 80, nsInit, 0, true, 200, c.shell.startNs);
  c.noise(b, kT + 60 * kMs, 20);
  EXPECT_GT(expectFocusInvisible(write(b, "failed.sigrec"), {9500, 2, 3}), 4u);
}

// A kill call whose event comes before its signal's (an old recorder's
// order): the focus cannot vouch for it and the full import answers. No
// trailer either: the note about it is the full import's.
TEST_F(FocusDifferential, CallBeforeSignalAndNoTrailer) {
  Cast c;
  CaptureBuilder b = c.base();
  b.trailer = false;
  Task victim{9900, 9900, kT + 1 * kMs, "victim"};
  b.fork(kT + 1 * kMs, c.shell, 9900, victim.startNs);
  c.noise(b, kT + 5 * kMs, 20);
  const uint64_t k = kT + 50 * kMs;
  b.killCall(k + 5, c.daemon, S::KILL, k, 0, {9900, 15}, 1)
      .generate(k + 10, c.daemon, 15, 0, victim, S::KILL, k)
      .deliver(k + 20, victim, 15)
      .exit(k + 30, victim, 15, true, 200, c.shell.startNs);
  EXPECT_GT(expectFocusInvisible(write(b, "order.sigrec")), 2u);
}

}  // namespace
}  // namespace sigrec::testing
