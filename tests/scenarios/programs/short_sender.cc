// A sender that lives a few milliseconds: /bin/kill, exec'd from a child.
#include <signal.h>

#include "tests/support/scenario_util.h"

using namespace sigrec::scenario;

int main() {
  pid_t target = sleeper();
  settle();
  std::string pid = std::to_string(target);
  pid_t sender =
      forkOrDie([&] { ::execl("/bin/kill", "/bin/kill", "-s", "TERM", pid.c_str(), nullptr); });
  say("target", target);
  say("self", ::getpid());
  say("sender", sender);
  reap(sender);
  reap(target);
}
