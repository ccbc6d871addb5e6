// Two processes in cgroups named as container runtimes and systemd name
// them: .../docker-<64 hex>.scope and .../x.service, in the v2 hierarchy;
// each is then killed, so that who-killed and exits show their context.
#include <csignal>
#include <filesystem>
#include <fstream>

#include "tests/support/scenario_util.h"

using namespace sigrec::scenario;
namespace fs = std::filesystem;

namespace {

constexpr const char* kContainerId =
    "4f1e0a9c2b7d3e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7";

fs::path v2Root() {
  for (const char* root : {"/sys/fs/cgroup/unified", "/sys/fs/cgroup"}) {
    std::ifstream mounts("/proc/self/mounts");
    for (std::string dev, dir, type, rest;
         mounts >> dev >> dir >> type && std::getline(mounts, rest);)
      if (dir == root && type == "cgroup2") return root;
  }
  return {};
}

pid_t sleeperIn(const fs::path& dir) {
  int ready[2];
  if (::pipe(ready) != 0) std::exit(100);
  pid_t pid = forkOrDie([&] {
    std::ofstream(dir / "cgroup.procs") << ::getpid() << std::flush;
    (void)!::write(ready[1], "r", 1);
    for (;;) ::pause();
  });
  char c;
  (void)!::read(ready[0], &c, 1);
  return pid;
}

}  // namespace

int main() {
  fs::path root = v2Root();
  if (root.empty()) {
    say("skip", 1);
    return 0;
  }
  std::string tag = "sigrec-names-" + std::to_string(::getpid());
  fs::path slice = root / (tag + ".slice");
  fs::path container = slice / (std::string("docker-") + kContainerId + ".scope");
  fs::path service = slice / "x.service";
  fs::create_directories(container);
  fs::create_directories(service);
  pid_t inContainer = sleeperIn(container);
  pid_t inService = sleeperIn(service);
  say("container_pid", inContainer);
  say("service_pid", inService);
  settle();
  ::kill(inContainer, SIGTERM);
  ::kill(inService, SIGTERM);
  reap(inContainer);
  reap(inService);
  // sigrec names cgroup ids when it writes a batch (at least once a
  // second): a cgroup removed sooner would stay a bare id.
  ::usleep(1'500'000);
  std::error_code ec;
  fs::remove(container, ec);
  fs::remove(service, ec);
  fs::remove(slice, ec);
}
