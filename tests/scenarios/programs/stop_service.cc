// A service stop: SIGTERM, which the service ignores, then SIGKILL 200 ms
// later (what systemd and most supervisors do).
#include <signal.h>

#include "tests/support/scenario_util.h"

using namespace sigrec::scenario;

int main() {
  pid_t service = forkOrDie([] {
    ::signal(SIGTERM, SIG_IGN);
    for (;;) ::pause();
  });
  settle();
  say("service", service);
  say("stopper", ::getpid());
  ::kill(service, SIGTERM);
  ::usleep(200'000);
  ::kill(service, SIGKILL);
  reap(service);
}
