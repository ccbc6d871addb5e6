// An OOM kill inside a memory cgroup with a 32 MiB limit (cgroup v2 where
// its memory controller is available, else v1): the child allocates until
// the OOM killer picks it.
#include <sys/mman.h>

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

// Makes a cgroup limited to 32 MiB without swap; returns its procs file.
fs::path makeCgroup(const std::string& name) {
  for (const char* root : {"/sys/fs/cgroup", "/sys/fs/cgroup/unified"}) {
    std::ifstream controllers(std::string(root) + "/cgroup.controllers");
    std::string list;
    std::getline(controllers, list);
    if (list.find("memory") == std::string::npos) continue;
    writeFile(fs::path(root) / "cgroup.subtree_control", "+memory");
    fs::path dir = fs::path(root) / name;
    fs::create_directory(dir);
    writeFile(dir / "memory.max", "33554432");
    writeFile(dir / "memory.swap.max", "0");
    return dir / "cgroup.procs";
  }
  fs::path dir = fs::path("/sys/fs/cgroup/memory") / name;
  fs::create_directory(dir);
  writeFile(dir / "memory.limit_in_bytes", "33554432");
  writeFile(dir / "memory.memsw.limit_in_bytes", "33554432");
  return dir / "cgroup.procs";
}

}  // namespace

int main() {
  std::string name = "sigrec-oom-" + std::to_string(::getpid());
  fs::path procs = makeCgroup(name);
  pid_t child = forkOrDie([&] {
    if (!writeFile(procs, std::to_string(::getpid()))) ::_exit(3);
    for (int i = 0; i < 64; ++i) {  // up to 512 MiB, 8 MiB at a time
      auto* p = static_cast<char*>(
          ::mmap(nullptr, 8 << 20, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0));
      for (size_t off = 0; off < (8u << 20); off += 4096) p[off] = 1;
    }
  });
  say("child", child);
  reap(child);
  // sigrec names cgroup ids when it writes a batch (at least once a
  // second): a cgroup removed sooner would stay a bare id.
  ::usleep(1'500'000);
  std::error_code ec;
  fs::remove(procs.parent_path(), ec);
}
