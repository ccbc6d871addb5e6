// Job control and masks: SIGSTOP then SIGCONT; a signal blocked while sent
// and delivered once unblocked; a signal the target ignores.
#include <signal.h>

#include "tests/support/scenario_util.h"

using namespace sigrec::scenario;

int main(int argc, char** argv) {
  std::string how = mode(argc, argv, "stop-cont|blocked|ignored");
  pid_t child;
  if (how == "stop-cont") {
    child = sleeper();
    settle();
    ::kill(child, SIGSTOP);
    ::usleep(50'000);
    ::kill(child, SIGCONT);
    ::usleep(50'000);
    ::kill(child, SIGTERM);
  } else if (how == "blocked") {
    child = forkOrDie([] {
      struct sigaction sa {};
      sa.sa_handler = [](int) { ::_exit(7); };
      ::sigaction(SIGUSR1, &sa, nullptr);
      sigset_t set;
      sigemptyset(&set);
      sigaddset(&set, SIGUSR1);
      ::sigprocmask(SIG_BLOCK, &set, nullptr);
      ::usleep(300'000);  // the signal waits, pending
      ::sigprocmask(SIG_UNBLOCK, &set, nullptr);
      for (;;) ::pause();
    });
    settle();
    ::kill(child, SIGUSR1);
  } else {
    child = forkOrDie([] {
      ::signal(SIGUSR2, SIG_IGN);
      ::usleep(200'000);
    });
    settle();
    ::kill(child, SIGUSR2);
  }
  say("child", child);
  reap(child);
}
