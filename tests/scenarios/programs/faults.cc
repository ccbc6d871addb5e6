// Hardware faults: SIGSEGV (null write), SIGFPE (integer divide by zero),
// SIGBUS (touching a mapping past the end of a truncated file).
#include <fcntl.h>
#include <sys/mman.h>

#include "tests/support/scenario_util.h"

using namespace sigrec::scenario;

int main(int argc, char** argv) {
  std::string how = mode(argc, argv, "segv|fpe|bus");
  pid_t child = forkOrDie([&] {
    if (how == "segv") {
      volatile int* null = nullptr;
      *null = 1;
    } else if (how == "fpe") {
      // Both operands unknown to the compiler: `1 / x` would be turned
      // into a comparison, with no division to trap.
      volatile int one = 1, zero = 0;
      volatile int x = one / zero;
      (void)x;
    } else {
      char name[] = "/tmp/sigrec-bus-XXXXXX";
      int fd = ::mkstemp(name);
      ::unlink(name);
      (void)!::ftruncate(fd, 4096);
      auto* page = static_cast<volatile char*>(
          ::mmap(nullptr, 8192, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0));
      page[4096] = 1;  // second page: beyond the file
    }
  });
  say("child", child);
  reap(child);
}
