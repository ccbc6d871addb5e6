// Does one known thing per subcommand, under `sigrec -- scenario NAME`, and
// prints the pids involved as key=value lines so that tests can check what
// the capture says about exactly those processes.
#include <signal.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <map>
#include <string>
#include <thread>

#include "tests/support/scenario_util.h"

namespace {

using namespace sigrec::scenario;

int killFromChild() {
  pid_t target = sleeper();
  settle();
  pid_t sender = forkOrDie([target] { ::kill(target, SIGTERM); });
  say("target", target);
  say("sender", sender);
  reap(sender);
  reap(target);
  return 0;
}

std::atomic<pid_t> gThreadTid{0};
std::atomic<bool> gGotSignal{false};

int tgkillThread() {
  struct sigaction sa {};
  sa.sa_handler = [](int) { gGotSignal = true; };
  ::sigaction(SIGUSR1, &sa, nullptr);
  std::thread worker([] {
    gThreadTid = static_cast<pid_t>(::syscall(SYS_gettid));
    while (!gGotSignal) ::usleep(1000);
  });
  while (gThreadTid == 0) ::usleep(1000);
  say("pid", ::getpid());
  say("tid", gThreadTid);
  ::syscall(SYS_tgkill, ::getpid(), gThreadTid.load(), SIGUSR1);
  worker.join();
  return 0;
}

int killMissing() {
  // A pid that just ended and was reaped: nothing has it now.
  pid_t gone = forkOrDie([] {});
  reap(gone);
  int rc = ::kill(gone, SIGTERM);
  say("target", gone);
  say("errno", rc == 0 ? 0 : errno);
  return 0;
}

int segv() {
  pid_t child = forkOrDie([] {
    volatile int* null = nullptr;
    *null = 1;
  });
  say("child", child);
  reap(child);
  return 0;
}

int exit3() {
  pid_t child = forkOrDie([] { ::_exit(3); });
  say("child", child);
  reap(child);
  return 0;
}

int sigkill() {
  pid_t target = sleeper();
  settle();
  ::kill(target, SIGKILL);
  say("target", target);
  reap(target);
  return 0;
}

int shortLived() {
  pid_t child = forkOrDie(
      [] { ::execl("/bin/true", "/bin/true", "short-lived-marker", "--flag=42", nullptr); });
  say("child", child);
  reap(child);
  return 0;
}

int lineage() {
  int pipefd[2];
  if (::pipe(pipefd) != 0) return 100;
  pid_t child = forkOrDie([&] {
    pid_t grandchild = forkOrDie([] {});
    (void)!::write(pipefd[1], &grandchild, sizeof grandchild);
    reap(grandchild);
  });
  pid_t grandchild = 0;
  (void)!::read(pipefd[0], &grandchild, sizeof grandchild);
  say("child", child);
  say("grandchild", grandchild);
  reap(child);
  return 0;
}

// N kill() calls of an ignored signal to itself: two events each (the call
// and its signal_generate, result "ignored"), as fast as the CPU allows.
int ignoredStorm(long n) {
  ::signal(SIGUSR2, SIG_IGN);
  for (long i = 0; i < n; ++i) ::kill(::getpid(), SIGUSR2);
  say("calls", n);
  return 0;
}

// Keeps producing exec events with long, incompressible command lines for
// SECONDS (fills disks quickly).
// Execs /bin/true with a 2000-byte random argument for SECONDS and at
// least COUNT times: a volume of data that does not depend on how fast the
// machine is (an emulated guest kernel is several times slower).
int execLoop(long seconds, long count = 0) {
  auto until = std::chrono::steady_clock::now() + std::chrono::seconds(seconds);
  long n = 0;
  unsigned seed = 12345;
  std::string big(2000, ' ');
  while (n < count || std::chrono::steady_clock::now() < until) {
    for (auto& ch : big) ch = static_cast<char>('!' + (seed = seed * 1103515245 + 12345) % 90);
    pid_t child = forkOrDie([&] { ::execl("/bin/true", "/bin/true", big.c_str(), nullptr); });
    reap(child);
    ++n;
  }
  say("execs", n);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  say("self", ::getpid());
  if (argc == 3 && std::string(argv[1]) == "ignored-storm") return ignoredStorm(std::atol(argv[2]));
  if (argc == 3 && std::string(argv[1]) == "exec-loop") return execLoop(std::atol(argv[2]));
  if (argc == 4 && std::string(argv[1]) == "exec-loop")
    return execLoop(std::atol(argv[2]), std::atol(argv[3]));
  const std::map<std::string, std::function<int()>> scenarios = {
      {"kill-from-child", killFromChild},
      {"tgkill-thread", tgkillThread},
      {"kill-missing", killMissing},
      {"segv", segv},
      {"exit3", exit3},
      {"sigkill", sigkill},
      {"short-lived", shortLived},
      {"lineage", lineage},
  };
  if (argc != 2 || !scenarios.count(argv[1])) {
    std::fprintf(stderr,
                 "usage: scenario NAME | ignored-storm N | exec-loop SECONDS [MIN_COUNT]\n");
    return 2;
  }
  return scenarios.at(argv[1])();
}
