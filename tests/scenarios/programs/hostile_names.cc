// Recorded text chosen by a hostile process: a victim whose command line
// holds a newline that starts a forged table row, a tab, a byte that is not
// UTF-8, an escape sequence and 128 KiB of arguments, and whose comm is
// renamed to an ANSI colour sequence; it is killed by a sender whose comm
// is a terminal title sequence. sigan must show every byte escaped.
#include <signal.h>
#include <sys/prctl.h>
#include <unistd.h>

#include <fstream>
#include <string>

#include "tests/support/scenario_util.h"

using namespace sigrec::scenario;

namespace {

constexpr const char* kForged =
    "x\n  2026-12-01T00:00:00.000000000Z  SIGKILL  kill  SI_USER  delivered  1 systemd  <- FATAL"
    "\tTAB \xff\x1b[2J";

int victim() {
  ::prctl(PR_SET_NAME, "\x1b[31mEVIL\x1b[0m");
  for (;;) ::pause();
}

// Waits until the victim has renamed itself: under emulation an exec takes
// far longer than settle().
void awaitRename(pid_t pid) {
  const std::string path = "/proc/" + std::to_string(pid) + "/comm";
  for (int i = 0; i < 500; ++i) {
    std::ifstream in(path);
    std::string comm;
    std::getline(in, comm);
    if (comm.starts_with("\x1b[31m")) return;
    ::usleep(10'000);
  }
}

}  // namespace

int main(int argc, char** argv) {
  if (argc > 1 && std::string(argv[1]) == "victim") return victim();
  // 128 KiB of arguments, in two: one argument may not reach 128 KiB
  // (MAX_ARG_STRLEN, E2BIG).
  const std::string half(size_t{64} * 1024, 'A');
  pid_t child = forkOrDie([&] {
    ::execl("/proc/self/exe", "hostile_names", "victim", kForged, half.c_str(), half.c_str(),
            nullptr);
    ::_exit(127);
  });
  awaitRename(child);
  ::prctl(PR_SET_NAME, "\x1b]0;pwned\x07");
  ::kill(child, SIGTERM);
  say("victim", child);
  say("sender", ::getpid());
  reap(child);
}
