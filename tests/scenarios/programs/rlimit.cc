// Resource limits: RLIMIT_CPU (SIGXCPU once a second of CPU is used) and
// RLIMIT_FSIZE (SIGXFSZ on a write past 4 KiB).
#include <fcntl.h>
#include <sys/resource.h>

#include <csignal>
#include <cstdlib>
#include <string>

#include "tests/support/scenario_util.h"

using namespace sigrec::scenario;

int main(int argc, char** argv) {
  std::string m = mode(argc, argv, "cpu|fsize");
  // Both signals dump core by default: none is wanted here.
  struct rlimit noCore = {0, 0};
  ::setrlimit(RLIMIT_CORE, &noCore);
  pid_t child;
  if (m == "cpu") {
    child = forkOrDie([] {
      struct rlimit lim = {1, 2};
      ::setrlimit(RLIMIT_CPU, &lim);
      volatile unsigned long spins = 0;
      for (;;) spins = spins + 1;
    });
  } else {
    std::string path = "/tmp/sigrec-fsize-" + std::to_string(::getpid());
    child = forkOrDie([&] {
      struct rlimit lim = {4096, 4096};
      ::setrlimit(RLIMIT_FSIZE, &lim);
      int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
      static char block[8192];
      (void)!::write(fd, block, sizeof block);  // short: 4096 bytes
      (void)!::write(fd, block, sizeof block);  // at the limit: SIGXFSZ
    });
    say("child", child);
    reap(child);
    ::unlink(path.c_str());
    return 0;
  }
  say("child", child);
  reap(child);
}
