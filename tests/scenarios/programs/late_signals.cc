// What a parent's who-killed table folds and what a dying process's says:
// three children exit (three SIGCHLDs to the parent), then a child is
// SIGTERMed and, once it is a zombie, sent SIGINT, which the kernel drops
// (the process is already dying) and reports as ignored.
#include <signal.h>
#include <sys/wait.h>

#include "tests/support/scenario_util.h"

using namespace sigrec::scenario;

int main() {
  struct sigaction sa {};
  sa.sa_handler = [](int) {};
  ::sigaction(SIGCHLD, &sa, nullptr);
  for (int i = 0; i < 3; ++i) reap(forkOrDie([] { ::_exit(0); }));
  pid_t victim = sleeper();
  settle();
  ::kill(victim, SIGTERM);
  siginfo_t info{};
  // Wait for it to be a zombie, without reaping it: it still holds its pid.
  while (::waitid(P_PID, static_cast<id_t>(victim), &info, WEXITED | WNOWAIT) != 0) {
  }
  ::kill(victim, SIGINT);
  reap(victim);
  say("parent", ::getpid());
  say("victim", victim);
}
