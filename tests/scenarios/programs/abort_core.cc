// abort() with core dumps enabled (in DIR, which must be writable) or
// disabled (RLIMIT_CORE 0).
#include <sys/resource.h>

#include "tests/support/scenario_util.h"

using namespace sigrec::scenario;

int main(int argc, char** argv) {
  std::string how = mode(argc, argv, "core DIR|nocore");
  pid_t child = forkOrDie([&] {
    rlimit limit{};
    limit.rlim_cur = limit.rlim_max = how == "core" ? RLIM_INFINITY : 0;
    ::setrlimit(RLIMIT_CORE, &limit);
    if (how == "core" && argc > 2) (void)!::chdir(argv[2]);
    std::abort();
  });
  say("child", child);
  reap(child);
}
