#include "record/flight_cgroup_paths.h"

#include <sys/stat.h>

#include <filesystem>
#include <fstream>

namespace sigrec::record {
namespace {

namespace fs = std::filesystem;

constexpr auto kWalkInterval = std::chrono::seconds(1);

// /sys/fs/cgroup on unified systems, /sys/fs/cgroup/unified on hybrid ones.
std::string findCgroup2Mount() {
  std::ifstream mounts("/proc/self/mounts");
  std::string device, dir, type, rest;
  while (mounts >> device >> dir >> type && std::getline(mounts, rest)) {
    if (type == "cgroup2") return dir;
  }
  return "/sys/fs/cgroup";
}

}  // namespace

CgroupPaths::CgroupPaths(std::string mount)
    : mount_(mount.empty() ? findCgroup2Mount() : std::move(mount)) {}

uint64_t CgroupPaths::idOf(const std::string& path) {
  struct stat st {};
  if (::stat((mount_ + path).c_str(), &st) != 0) return 0;
  byId_[st.st_ino] = path;
  return st.st_ino;
}

std::string CgroupPaths::pathOf(uint64_t id) {
  if (auto found = byId_.find(id); found != byId_.end()) return found->second;
  if (std::chrono::steady_clock::now() < nextWalk_) return {};
  walk();
  auto found = byId_.find(id);
  return found == byId_.end() ? std::string() : found->second;
}

void CgroupPaths::walk() {
  nextWalk_ = std::chrono::steady_clock::now() + kWalkInterval;
  idOf("/");
  std::error_code ec;
  fs::recursive_directory_iterator it(mount_, fs::directory_options::skip_permission_denied, ec);
  for (; !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    std::error_code kind;
    if (!it->is_directory(kind) || it->is_symlink(kind)) continue;
    idOf(it->path().string().substr(mount_.size()));
  }
}

}  // namespace sigrec::record
