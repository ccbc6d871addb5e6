// Timer signals: alarm(2) and a POSIX timer (timer_create, SI_TIMER). Both
// kill the child (SIGALRM's default action); the kernel sends them, from
// whatever task happens to run when the timer fires.
#include <signal.h>
#include <time.h>

#include "tests/support/scenario_util.h"

using namespace sigrec::scenario;

int main(int argc, char** argv) {
  std::string how = mode(argc, argv, "alarm|posix");
  pid_t child = forkOrDie([&] {
    if (how == "alarm") {
      ::alarm(1);
    } else {
      timer_t timer;
      sigevent ev{};
      ev.sigev_notify = SIGEV_SIGNAL;
      ev.sigev_signo = SIGALRM;
      ::timer_create(CLOCK_MONOTONIC, &ev, &timer);
      itimerspec when{};
      when.it_value.tv_nsec = 100'000'000;
      ::timer_settime(timer, 0, &when, nullptr);
    }
    for (;;) ::pause();
  });
  say("child", child);
  reap(child);
}
