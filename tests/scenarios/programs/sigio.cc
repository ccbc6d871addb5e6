// SIGIO: the read end of a pipe is owned (F_SETOWN) by the child, with
// O_ASYNC; a separate writer fills the pipe and the child gets SIGIO.
#include <fcntl.h>

#include <csignal>

#include "tests/support/scenario_util.h"

using namespace sigrec::scenario;

int main() {
  int fds[2], ready[2];
  if (::pipe(fds) != 0 || ::pipe(ready) != 0) return 100;
  pid_t owner = forkOrDie([&] {
    ::fcntl(fds[0], F_SETOWN, ::getpid());
    ::fcntl(fds[0], F_SETFL, ::fcntl(fds[0], F_GETFL) | O_ASYNC);
    (void)!::write(ready[1], "r", 1);
    for (;;) ::pause();  // SIGIO's default action ends it
  });
  char c;
  (void)!::read(ready[0], &c, 1);
  say("owner", owner);
  pid_t writer = forkOrDie([&] { (void)!::write(fds[1], "x", 1); });
  say("writer", writer);
  reap(writer);
  reap(owner);
}
