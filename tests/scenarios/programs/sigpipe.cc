// SIGPIPE: writing to a pipe whose reader is gone.
#include <signal.h>

#include "tests/support/scenario_util.h"

using namespace sigrec::scenario;

int main() {
  int fds[2];
  if (::pipe(fds) != 0) return 100;
  ::close(fds[0]);
  pid_t writer = forkOrDie([&] {
    ::signal(SIGPIPE, SIG_DFL);
    (void)!::write(fds[1], "x", 1);
  });
  say("child", writer);
  reap(writer);
}
