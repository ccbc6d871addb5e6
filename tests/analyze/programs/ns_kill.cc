// Kill calls made inside a new pid namespace: its init (pid 1 there) probes
// its child (pid 2 there) with kill(2, 0), a sibling (pid 3) kills it with
// kill(2, SIGTERM), init signals the zombie with kill(2, SIGKILL) before
// reaping it, and kill(2, SIGKILL) once more after (ESRCH). Host pid 2 is
// another process (kthreadd). Prints the host pids (/proc here is the
// host's, so /proc/self names the host pid).
#include <sched.h>
#include <signal.h>
#include <unistd.h>

#include <climits>
#include <cstdlib>

#include "tests/support/scenario_util.h"

using namespace sigrec::scenario;

namespace {

void namespaceInit() {
  say("init", hostPid());
  int ready[2];
  if (::pipe(ready) != 0) ::_exit(101);
  pid_t victim = forkOrDie([&] {
    say("victim", hostPid());
    (void)::write(ready[1], "x", 1);
    for (;;) ::pause();
  });
  char c;
  if (victim != 2 || ::read(ready[0], &c, 1) != 1) ::_exit(102);
  say("probe_ret", ::kill(2, 0));
  pid_t sibling = forkOrDie([] {
    say("sibling", hostPid());
    ::kill(2, SIGTERM);
  });
  reap(sibling);
  ::usleep(100'000);  // the victim is a zombie now: dead, not reaped
  say("zombie_ret", ::kill(2, SIGKILL));
  reap(victim);
  say("reaped_ret", ::kill(2, SIGKILL));
}

}  // namespace

int main() {
  if (::unshare(CLONE_NEWPID) != 0) return 100;
  pid_t init = forkOrDie(namespaceInit);
  return reap(init) == 0 ? 0 : 1;
}
