// A pty hang-up: the session leader on a pseudo-terminal gets SIGHUP when
// the master side is closed.
#include <pty.h>

#include <csignal>

#include "tests/support/scenario_util.h"

using namespace sigrec::scenario;

int main() {
  int master = -1;
  std::fflush(stdout);
  pid_t child = ::forkpty(&master, nullptr, nullptr, nullptr);
  if (child < 0) return 100;
  if (child == 0) {
    (void)!::write(STDOUT_FILENO, "r", 1);  // through the pty: ready
    for (;;) ::pause();
  }
  char c;
  (void)!::read(master, &c, 1);
  say("child", child);
  settle();
  ::close(master);
  reap(child);
}
