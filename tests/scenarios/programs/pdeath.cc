// PR_SET_PDEATHSIG: the child of a parent process that exits ("process"),
// or of a thread that exits while its process lives on ("thread"), gets
// SIGTERM from the kernel as the parent thread dies.
#include <pthread.h>
#include <sys/prctl.h>
#include <sys/syscall.h>

#include <csignal>

#include "tests/support/scenario_util.h"

using namespace sigrec::scenario;

namespace {

// Forks a child that asks for SIGTERM at its parent's death, then tells
// READY (a pipe) that it did; it is still the caller's child then.
pid_t pdeathChild(int ready) {
  pid_t parent = ::getpid();
  return forkOrDie([&] {
    ::prctl(PR_SET_PDEATHSIG, SIGTERM);
    if (::getppid() != parent) ::_exit(3);
    (void)!::write(ready, "r", 1);
    for (;;) ::pause();
  });
}

void waitReady(int fd) {
  char c;
  (void)!::read(fd, &c, 1);
}

struct ThreadRun {
  int ready, readyIn;
  pid_t child = 0;
  pid_t tid = 0;
};

void* forkingThread(void* arg) {
  auto* run = static_cast<ThreadRun*>(arg);
  run->tid = static_cast<pid_t>(::syscall(SYS_gettid));
  run->child = pdeathChild(run->ready);
  // Not before the child asked: a child reparented to a sibling thread
  // still sees the same getppid(), so it could not tell it was too late.
  waitReady(run->readyIn);
  return nullptr;  // the thread exits: its children get their pdeath signal
}

}  // namespace

int main(int argc, char** argv) {
  std::string m = mode(argc, argv, "process|thread");
  int fds[2];
  if (::pipe(fds) != 0) return 100;
  if (m == "thread") {
    ThreadRun run{fds[1], fds[0]};
    pthread_t t;
    ::pthread_create(&t, nullptr, forkingThread, &run);
    ::pthread_join(t, nullptr);
    say("parent", ::getpid());
    say("thread", run.tid);
    say("child", run.child);
    reap(run.child);  // the process is still the child's parent's process: it reaps
    return 0;
  }
  // The orphaned child comes back to this process to be reaped.
  ::prctl(PR_SET_CHILD_SUBREAPER, 1);
  pid_t parent = forkOrDie([&] {
    say("child", pdeathChild(fds[1]));
    waitReady(fds[0]);
  });
  say("parent", parent);
  reap(parent);
  while (::wait(nullptr) > 0) {
  }
}
