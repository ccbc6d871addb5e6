// Multi-threaded deaths: a non-leader thread calls exit_group(5); a
// non-leader thread takes a fatal SIGSEGV.
#include <sys/syscall.h>

#include <atomic>
#include <thread>

#include "tests/support/scenario_util.h"

using namespace sigrec::scenario;

int main(int argc, char** argv) {
  std::string how = mode(argc, argv, "exit-group|fatal-signal");
  int fds[2];
  if (::pipe(fds) != 0) return 100;
  pid_t child = forkOrDie([&] {
    std::thread worker([&] {
      auto tid = static_cast<pid_t>(::syscall(SYS_gettid));
      (void)!::write(fds[1], &tid, sizeof tid);
      ::usleep(50'000);
      if (how == "exit-group") ::syscall(SYS_exit_group, 5);
      volatile int* null = nullptr;
      *null = 1;
    });
    std::thread idle([] {
      for (;;) ::pause();
    });
    worker.join();
    idle.join();
  });
  pid_t tid = 0;
  (void)!::read(fds[0], &tid, sizeof tid);
  say("pid", child);
  say("tid", tid);
  reap(child);
}
