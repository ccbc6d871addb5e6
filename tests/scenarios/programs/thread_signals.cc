// Thread-directed signals: tkill, tgkill to a non-leader thread,
// pthread_kill, and raise() (which glibc implements with tgkill).
#include <pthread.h>
#include <signal.h>
#include <sys/syscall.h>

#include <atomic>
#include <thread>

#include "tests/support/scenario_util.h"

using namespace sigrec::scenario;

namespace {
std::atomic<pid_t> gTid{0};
std::atomic<int> gCaught{0};
}  // namespace

int main(int argc, char** argv) {
  std::string how = mode(argc, argv, "tkill|tgkill|pthread_kill|raise");
  struct sigaction sa {};
  sa.sa_handler = [](int) { ++gCaught; };
  ::sigaction(SIGUSR1, &sa, nullptr);
  std::thread worker([] {
    gTid = static_cast<pid_t>(::syscall(SYS_gettid));
    while (gCaught == 0) ::usleep(1000);
  });
  while (gTid == 0) ::usleep(1000);
  say("pid", ::getpid());
  say("tid", how == "raise" ? ::getpid() : gTid.load());
  if (how == "tkill") ::syscall(SYS_tkill, gTid.load(), SIGUSR1);
  if (how == "tgkill") ::syscall(SYS_tgkill, ::getpid(), gTid.load(), SIGUSR1);
  if (how == "pthread_kill") ::pthread_kill(worker.native_handle(), SIGUSR1);
  if (how == "raise") ::raise(SIGUSR1);
  worker.join();
}
