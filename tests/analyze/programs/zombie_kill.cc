// Kill calls aimed at a zombie: a child that exited by itself is signalled
// before it is reaped (kill returns 0: the pid is still held), then after
// (ESRCH); a paused child is killed with SIGKILL and signalled again while
// it is a zombie, as `kill(child, SIGKILL); waitpid()` patterns do.
#include <signal.h>
#include <unistd.h>

#include "tests/support/scenario_util.h"

using namespace sigrec::scenario;

int main() {
  pid_t exited = forkOrDie([] {});
  say("exited", exited);
  ::usleep(100'000);  // exited and not reaped: a zombie
  say("zombie_ret", ::kill(exited, SIGTERM));
  reap(exited);
  say("reaped_ret", ::kill(exited, SIGTERM));

  pid_t killed = sleeper();
  say("killed", killed);
  settle();
  ::kill(killed, SIGKILL);
  ::usleep(100'000);
  say("again_ret", ::kill(killed, SIGKILL));
  reap(killed);
  return 0;
}
