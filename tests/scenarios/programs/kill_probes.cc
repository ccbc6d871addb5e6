// Kill calls that send nothing: kill(pid, 0) existence probes, a kill to a
// pid nobody has (ESRCH), and an unprivileged kill of a root process (EPERM).
#include <signal.h>

#include <cerrno>

#include "tests/support/scenario_util.h"

using namespace sigrec::scenario;

int main(int argc, char** argv) {
  std::string how = mode(argc, argv, "probe|missing|eperm");
  say("self", ::getpid());
  if (how == "probe") {
    pid_t target = sleeper();
    say("target", target);
    ::kill(target, 0);
    ::kill(target, SIGKILL);
    reap(target);
  } else if (how == "missing") {
    pid_t gone = forkOrDie([] {});
    reap(gone);
    say("target", gone);
    say("errno", ::kill(gone, SIGTERM) == 0 ? 0 : errno);
  } else {
    pid_t root = ::getpid();
    pid_t sender = forkOrDie([root] {
      if (::setgid(65534) != 0 || ::setuid(65534) != 0) ::_exit(3);
      ::_exit(::kill(root, SIGTERM) == 0 ? 0 : errno);
    });
    say("target", root);
    say("sender", sender);
    int status = reap(sender);
    say("errno", WEXITSTATUS(status));
  }
}
