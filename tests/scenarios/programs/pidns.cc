// A pid namespace whose init exits while a member sleeps: the kernel
// SIGKILLs every member (zap_pid_ns_processes).
#include <sched.h>

#include <climits>
#include <cstdlib>

#include "tests/support/scenario_util.h"

using namespace sigrec::scenario;

int main() {
  if (::unshare(CLONE_NEWPID) != 0) {
    say("skip", 1);
    return 0;
  }
  int member[2], go[2];  // member -> this process; this process -> init
  if (::pipe(member) != 0 || ::pipe(go) != 0) return 100;
  pid_t init = forkOrDie([&] {
    forkOrDie([&] {
      long self = hostPid();
      (void)!::write(member[1], &self, sizeof self);
      for (;;) ::pause();
    });
    char c;
    (void)!::read(go[0], &c, 1);  // init exits once the member is known
  });
  long pid = 0;
  (void)!::read(member[0], &pid, sizeof pid);
  say("init", init);
  say("member", pid);
  settle();
  (void)!::write(go[1], "g", 1);
  reap(init);
}
