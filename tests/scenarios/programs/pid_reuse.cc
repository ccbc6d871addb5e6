// Pid reuse: two processes with the same pid in one capture, killed by
// different senders. The second is created with clone3(set_tid), which
// needs CAP_SYS_ADMIN, so the reuse is certain rather than waited for.
#include <linux/sched.h>
#include <signal.h>
#include <sys/syscall.h>

#include <cstdint>

#include "tests/support/scenario_util.h"

using namespace sigrec::scenario;

namespace {

pid_t sleeperWithPid(pid_t pid) {
  clone_args args{};
  args.exit_signal = SIGCHLD;
  args.set_tid = reinterpret_cast<uint64_t>(&pid);
  args.set_tid_size = 1;
  std::fflush(stdout);
  long r = ::syscall(SYS_clone3, &args, sizeof args);
  if (r == 0) {
    for (;;) ::pause();  // raw clone: only async-signal-safe calls here
  }
  return static_cast<pid_t>(r);
}

}  // namespace

int main() {
  pid_t first = sleeper();
  settle();
  pid_t sender1 = forkOrDie([first] { ::kill(first, SIGTERM); });
  reap(sender1);
  reap(first);
  pid_t second = sleeperWithPid(first);
  if (second != first) return 3;
  settle();
  pid_t sender2 = forkOrDie([second] { ::kill(second, SIGKILL); });
  reap(sender2);
  reap(second);
  say("pid", first);
  say("sender1", sender1);
  say("sender2", sender2);
}
