// A forged rt_sigqueueinfo: the siginfo claims pid 1 and uid 4242 as the
// sender; the kernel lets a process say so with a negative si_code.
#include <sys/syscall.h>

#include <csignal>
#include <cstring>

#include "tests/support/scenario_util.h"

using namespace sigrec::scenario;

int main() {
  pid_t target = sleeper();
  settle();
  siginfo_t info;
  std::memset(&info, 0, sizeof info);
  info.si_signo = SIGTERM;
  info.si_code = SI_QUEUE;
  info.si_pid = 1;
  info.si_uid = 4242;
  say("target", target);
  say("self", ::getpid());
  ::syscall(SYS_rt_sigqueueinfo, target, SIGTERM, &info);
  reap(target);
}
