// SIGCHLD to a parent with a handler: one child exits (CLD_EXITED), one is
// killed (CLD_KILLED).
#include <signal.h>

#include "tests/support/scenario_util.h"

using namespace sigrec::scenario;

int main() {
  struct sigaction sa {};
  sa.sa_handler = [](int) {};
  ::sigaction(SIGCHLD, &sa, nullptr);
  pid_t exited = forkOrDie([] { ::_exit(4); });
  reap(exited);
  pid_t killed = sleeper();
  settle();
  ::kill(killed, SIGKILL);
  reap(killed);
  say("parent", ::getpid());
  say("exited", exited);
  say("killed", killed);
}
