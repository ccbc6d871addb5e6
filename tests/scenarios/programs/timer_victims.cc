// Timer victims on a busy CPU: N children pinned to CPU 1 each die of their
// own timer, half of an interval timer (SIGALRM, sent by the kernel without
// siginfo), half of a POSIX timer that sends SIGUSR1 (SI_TIMER). Run next to
// `stress-ng --kill` on the same CPU, whose kill() calls send SIGUSR1 too:
// the timers fire in interrupts that borrow the stressor as current, in the
// middle of its calls, and must still be told from them.
#include <sched.h>
#include <signal.h>
#include <sys/time.h>
#include <time.h>

#include <string>

#include "tests/support/scenario_util.h"

using namespace sigrec::scenario;

namespace {

void pinToCpu1() {
  cpu_set_t set;
  CPU_ZERO(&set);
  CPU_SET(1, &set);
  ::sched_setaffinity(0, sizeof set, &set);
}

void dieOfItimer(long usec) {
  itimerval it{};
  it.it_value.tv_usec = usec;
  ::setitimer(ITIMER_REAL, &it, nullptr);
  for (;;) ::pause();
}

void dieOfPosixTimer(long usec) {
  sigevent ev{};
  ev.sigev_notify = SIGEV_SIGNAL;
  ev.sigev_signo = SIGUSR1;
  timer_t timer;
  if (::timer_create(CLOCK_MONOTONIC, &ev, &timer) != 0) ::_exit(100);
  itimerspec spec{};
  spec.it_value.tv_nsec = usec * 1000;
  ::timer_settime(timer, 0, &spec, nullptr);
  for (;;) ::pause();
}

}  // namespace

int main(int argc, char** argv) {
  const int victims = argc > 1 ? std::atoi(argv[1]) : 30;
  pinToCpu1();
  for (int i = 0; i < victims; ++i) {
    const long usec = 1000 + 997 * (i % 7);
    pid_t child = forkOrDie([&] { i % 2 ? dieOfPosixTimer(usec) : dieOfItimer(usec); });
    say(("pid" + std::to_string(i)).c_str(), child);
    reap(child);
  }
  say("count", victims);
}
