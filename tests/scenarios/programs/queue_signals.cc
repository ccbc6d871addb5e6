// pidfd_send_signal(2) and sigqueue(3) (rt_sigqueueinfo, SI_QUEUE).
#include <signal.h>
#include <sys/syscall.h>

#include "tests/support/scenario_util.h"

using namespace sigrec::scenario;

int main(int argc, char** argv) {
  std::string how = mode(argc, argv, "pidfd|sigqueue");
  pid_t target = sleeper();
  settle();
  say("target", target);
  say("self", ::getpid());
  if (how == "pidfd") {
    int pidfd = static_cast<int>(::syscall(SYS_pidfd_open, target, 0));
    say("pidfd", pidfd);
    ::syscall(SYS_pidfd_send_signal, pidfd, SIGTERM, nullptr, 0);
  } else {
    union sigval value {};
    value.sival_int = 42;
    ::sigqueue(target, SIGTERM, value);
  }
  reap(target);
}
