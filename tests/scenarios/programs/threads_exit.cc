// Multi-threaded deaths: a non-leader thread calls exit_group(5); a
// non-leader thread takes a fatal SIGSEGV; a 16-thread process takes
// SIGKILL (or, with `sigterm`, SIGTERM). `repeat N` runs the first three N times (kernels whose
// exit tracepoint has no group_dead must still report one exit per process: the threads of these
// deaths exit together).
#include <signal.h>
#include <sys/syscall.h>

#include <string>
#include <thread>
#include <vector>

#include "tests/support/scenario_util.h"

using namespace sigrec::scenario;

namespace {

// A child whose worker thread ends the process by HOW, after telling its tid.
pid_t workerDeath(const std::string& how, pid_t* tid) {
  int fds[2];
  if (::pipe(fds) != 0) std::exit(100);
  pid_t child = forkOrDie([&] {
    std::thread worker([&] {
      auto self = static_cast<pid_t>(::syscall(SYS_gettid));
      (void)!::write(fds[1], &self, sizeof self);
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
  (void)!::read(fds[0], tid, sizeof *tid);
  ::close(fds[0]);
  ::close(fds[1]);
  return child;
}

// A child with 16 threads, killed by SIG once they all run.
pid_t killedWithThreads(int sig = SIGKILL) {
  int fds[2];
  if (::pipe(fds) != 0) std::exit(100);
  pid_t child = forkOrDie([&] {
    std::vector<std::thread> threads;
    threads.reserve(15);
    for (int i = 0; i < 15; ++i)
      threads.emplace_back([] {
        for (;;) ::pause();
      });
    (void)!::write(fds[1], "r", 1);
    for (;;) ::pause();
  });
  char ready;
  (void)!::read(fds[0], &ready, 1);
  ::close(fds[0]);
  ::close(fds[1]);
  ::kill(child, sig);
  return child;
}

}  // namespace

int main(int argc, char** argv) {
  std::string how = mode(argc, argv, "exit-group|fatal-signal|sigterm|repeat N");
  if (how == "sigterm") {
    pid_t child = killedWithThreads(SIGTERM);
    say("pid", child);
    say("sender", ::getpid());
    reap(child);
    return 0;
  }
  if (how != "repeat") {
    pid_t tid = 0;
    pid_t child = workerDeath(how, &tid);
    say("pid", child);
    say("tid", tid);
    reap(child);
    return 0;
  }
  const int rounds = argc > 2 ? std::atoi(argv[2]) : 10;
  int n = 0;
  for (int round = 0; round < rounds; ++round) {
    pid_t tid = 0;
    for (const char* death : {"exit-group", "fatal-signal"}) {
      pid_t child = workerDeath(death, &tid);
      reap(child);
      say(("pid" + std::to_string(n++)).c_str(), child);
    }
    pid_t child = killedWithThreads();
    reap(child);
    say(("pid" + std::to_string(n++)).c_str(), child);
  }
  say("count", n);
}
