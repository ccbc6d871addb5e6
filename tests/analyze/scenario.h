// One synthetic recording with every case the analyzer must get right; the
// comments say what each process stands for.
#pragma once

#include "tests/support/capture_builder.h"

namespace sigrec::testing {

inline constexpr uint64_t kT0 = 1000 * kSec;  // capture start (boot clock)

struct Scenario {
  Task bash{1000, 1000, 500 * kSec + 4567, "bash"};
  Task sleep{4242, 4242, 600 * kSec + 3 * kMs + 777, "sleep"};
  Task evil{2000, 2000, kT0 + 100 * kMs + 1, "evil", 1000};
  Task pkill{1234, 1234, kT0 + 1 * kSec + 10, "pkill"};
  Task crashy{3000, 3000, kT0 + 2 * kSec + 5, "crashy"};
  Task false3{3100, 3100, kT0 + 2500 * kMs + 5, "sh"};
  Task reuseA{5000, 5000, kT0 + 3 * kSec + 7, "sleep"};
  Task reuseB{5000, 5000, kT0 + 4 * kSec + 9, "python3"};
  Task killer{6000, 6000, kT0 + 5 * kSec + 3, "sh"};
  Task daemon{6100, 6100, 900 * kSec + 2 * kMs, "daemon"};
  Task hog{7000, 7000, kT0 + 7 * kSec + 11, "hog"};

  CaptureBuilder build() const {
    using S = schema::Syscall;
    CaptureBuilder b;
    b.process({1, 0, 1 * kSec, "systemd", "/sbin/init", {"/sbin/init"}})
        .process({900, 1, 100 * kSec, "sshd", "/usr/sbin/sshd", {"sshd:", "alice"}})
        .process({1000, 900, 500 * kSec, "bash", "/bin/bash", {"-bash"}})
        .process({4242, 1000, 600 * kSec, "sleep", "/bin/sleep", {"sleep", "1000"}})
        .process({6100, 1, 900 * kSec, "daemon", "/usr/sbin/daemon", {"daemon", "-f"}});

    // A failed attempt: evil (uid 1000) may not kill sleep (EPERM).
    b.fork(kT0 + 100 * kMs, bash, evil.pid, evil.startNs)
        .exec(kT0 + 110 * kMs, evil, "/usr/bin/evil", {"evil", "--kill", "4242"})
        .killCall(kT0 + 500 * kMs, evil, S::KILL, kT0 + 500 * kMs - 1000, -1, {4242, 9}, 0)
        .exit(kT0 + 600 * kMs, evil, 1 << 8, true, 1000, bash.startNs);

    // pkill lives 0.8 ms: fork, exec, kill(4242, SIGTERM), exit.
    uint64_t p = kT0 + 1 * kSec;
    b.fork(p, bash, pkill.pid, pkill.startNs)
        .exec(p + 100 * kUs, pkill, "/usr/bin/pkill", {"pkill", "-f", "sleep"})
        .generate(p + 300 * kUs, pkill, 15, 0, sleep, S::KILL, p + 250 * kUs)
        .killCall(p + 350 * kUs, pkill, S::KILL, p + 250 * kUs, 0, {4242, 15}, 1)
        .exit(p + 800 * kUs, pkill, 0, true, 1000, bash.startNs)
        .deliver(p + 900 * kUs, sleep, 15)
        .exit(p + 950 * kUs, sleep, 15, true, 1000, bash.startNs);

    // A segfault: kernel origin, the faulting process is only context.
    uint64_t c = kT0 + 2 * kSec;
    b.fork(c, bash, crashy.pid, crashy.startNs)
        .exec(c + 100 * kUs, crashy, "/home/alice/crashy", {"./crashy"})
        .generate(c + 1 * kMs, crashy, 11, 1, crashy, S::NONE, 0, 0, false, 0x10)
        .deliver(c + 1 * kMs + 10, crashy, 11)
        .exit(c + 2 * kMs, crashy, 11 | 0x80, true, 1000, bash.startNs);

    // exit 3.
    uint64_t f = kT0 + 2500 * kMs;
    b.fork(f, bash, false3.pid, false3.startNs)
        .exec(f + 100 * kUs, false3, "/bin/sh", {"sh", "-c", "exit 3"})
        .exit(f + 1 * kMs, false3, 3 << 8, true, 1000, bash.startNs);

    // pid 5000 used twice: SIGKILL by tgkill, then SIGTERM by kill.
    uint64_t r = kT0 + 3 * kSec;
    b.fork(r, bash, reuseA.pid, reuseA.startNs)
        .exec(r + 100 * kUs, reuseA, "/bin/sleep", {"sleep", "100"})
        .generate(r + 500 * kMs + 10, bash, 9, -6, reuseA, S::TGKILL, r + 500 * kMs, 0, false)
        .killCall(r + 500 * kMs + 20, bash, S::TGKILL, r + 500 * kMs, 0, {5000, 5000, 9}, 1)
        .exit(r + 501 * kMs, reuseA, 9, true, 1000, bash.startNs);
    r = kT0 + 4 * kSec;
    b.fork(r, bash, reuseB.pid, reuseB.startNs)
        .exec(r + 100 * kUs, reuseB, "/usr/bin/python3", {"python3", "server.py"})
        .generate(r + 500 * kMs + 10, bash, 15, 0, reuseB, S::KILL, r + 500 * kMs)
        .killCall(r + 500 * kMs + 20, bash, S::KILL, r + 500 * kMs, 0, {5000, 15}, 1)
        .exit(r + 502 * kMs, reuseB, 15, true, 1000, bash.startNs);

    // The sender exits before its target dies.
    uint64_t k = kT0 + 5 * kSec;
    b.fork(k, bash, killer.pid, killer.startNs)
        .exec(k + 100 * kUs, killer, "/bin/sh", {"sh", "-c", "kill -HUP 6100"})
        .generate(k + 100 * kMs, killer, 1, 0, daemon, S::KILL, k + 99 * kMs)
        .killCall(k + 100 * kMs + 5, killer, S::KILL, k + 99 * kMs, 0, {6100, 1}, 1)
        .exit(k + 200 * kMs, killer, 0, true, 1000, bash.startNs)
        .deliver(k + 250 * kMs, daemon, 1)
        .exit(k + 300 * kMs, daemon, 1, true, 1, 1 * kSec);

    // The OOM killer picks hog.
    uint64_t o = kT0 + 7 * kSec;
    b.fork(o, bash, hog.pid, hog.startNs)
        .exec(o + 100 * kUs, hog, "/home/alice/hog", {"./hog", "--gb", "64"})
        .oom(o + 500 * kMs, hog, hog.pid)
        .generate(o + 500 * kMs + 100, hog, 9, 0x80, hog, S::NONE)
        .exit(o + 600 * kMs, hog, 9, true, 1000, bash.startNs);

    b.loss(1, schema::Probe::EXEC, 3, kT0 + 8 * kSec, kT0 + 8100 * kMs);
    return b;
  }
};

}  // namespace sigrec::testing
