// cgroup.kill (v5.14+): a separate process writes 1 into the cgroup.kill of
// a cgroup this program creates in the v2 hierarchy; its member dies.
#include <filesystem>
#include <fstream>

#include "tests/support/scenario_util.h"

using namespace sigrec::scenario;
namespace fs = std::filesystem;

namespace {

bool writeFile(const fs::path& path, const std::string& value) {
  std::ofstream out(path);
  out << value;
  out.flush();
  return static_cast<bool>(out);
}

fs::path v2Root() {
  std::ifstream mounts("/proc/self/mounts");
  for (std::string dev, dir, type, rest;
       mounts >> dev >> dir >> type && std::getline(mounts, rest);)
    if (type == "cgroup2") return dir;
  return {};
}

}  // namespace

int main() {
  fs::path root = v2Root();
  fs::path dir = root / ("sigrec-kill-" + std::to_string(::getpid()));
  std::error_code ec;
  if (root.empty() || !fs::create_directory(dir, ec) || !fs::exists(dir / "cgroup.kill")) {
    say("skip", 1);
    fs::remove(dir, ec);
    return 0;
  }
  int ready[2];
  if (::pipe(ready) != 0) return 100;
  pid_t victim = forkOrDie([&] {
    if (!writeFile(dir / "cgroup.procs", std::to_string(::getpid()))) ::_exit(3);
    (void)!::write(ready[1], "r", 1);
    for (;;) ::pause();
  });
  char c;
  (void)!::read(ready[0], &c, 1);
  say("victim", victim);
  std::printf("cgroup=/%s\n", dir.lexically_relative(root).c_str());
  pid_t writer = forkOrDie([&] { writeFile(dir / "cgroup.kill", "1"); });
  say("writer", writer);
  reap(writer);
  reap(victim);
  // sigrec names cgroup ids when it writes a batch (at least once a
  // second): a cgroup removed sooner would stay a bare id.
  ::usleep(1'500'000);
  fs::remove(dir, ec);
}
