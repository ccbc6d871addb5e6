// kill(-pgid): one call, one signal to every member of a process group.
#include <signal.h>

#include "tests/support/scenario_util.h"

using namespace sigrec::scenario;

int main() {
  pid_t leader = forkOrDie([] {
    ::setpgid(0, 0);
    for (;;) ::pause();
  });
  ::setpgid(leader, leader);
  pid_t members[2];
  for (pid_t& m : members) {
    m = forkOrDie([leader] {
      ::setpgid(0, leader);
      for (;;) ::pause();
    });
    ::setpgid(m, leader);
  }
  settle();
  say("pgid", leader);
  say("member0", leader);
  say("member1", members[0]);
  say("member2", members[1]);
  pid_t sender = forkOrDie([leader] { ::kill(-leader, SIGTERM); });
  say("sender", sender);
  reap(sender);
  reap(leader);
  for (pid_t m : members) reap(m);
}
