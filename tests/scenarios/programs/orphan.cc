// An orphan: its parent exits, it is reparented to a subreaper (this
// process, with PR_SET_CHILD_SUBREAPER) or to init, and later exits 6.
#include <sys/prctl.h>

#include "tests/support/scenario_util.h"

using namespace sigrec::scenario;

int main(int argc, char** argv) {
  std::string how = mode(argc, argv, "subreaper|init");
  if (how == "subreaper") ::prctl(PR_SET_CHILD_SUBREAPER, 1);
  int fds[2];
  if (::pipe(fds) != 0) return 100;
  pid_t parent = forkOrDie([&] {
    pid_t orphan = forkOrDie([] {
      ::usleep(200'000);  // outlives its parent
      ::_exit(6);
    });
    (void)!::write(fds[1], &orphan, sizeof orphan);
  });
  pid_t orphan = 0;
  (void)!::read(fds[0], &orphan, sizeof orphan);
  reap(parent);
  say("reaper", ::getpid());
  say("parent", parent);
  say("orphan", orphan);
  if (how == "subreaper") {
    reap(orphan);
  } else {
    ::usleep(400'000);  // init reaps it
  }
}
