#include "record/cgroup_resolver.h"

#include <sys/stat.h>
#include <time.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <vector>

namespace sigrec::record {
namespace {

const std::string kUnknown;

uint64_t monotonicNs() {
  timespec ts{};
  ::clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<uint64_t>(ts.tv_sec) * 1'000'000'000u + static_cast<uint64_t>(ts.tv_nsec);
}

std::vector<std::string> words(const std::string& line) {
  std::istringstream in(line);
  std::vector<std::string> out;
  for (std::string w; in >> w;) out.push_back(w);
  return out;
}

bool hasOption(const std::string& options, const std::string& name) {
  std::istringstream in(options);
  for (std::string o; std::getline(in, o, ',');)
    if (o == name) return true;
  return false;
}

}  // namespace

// mountinfo: "ID PARENT MAJ:MIN ROOT MOUNTPOINT OPTIONS [TAGS...] - FSTYPE SOURCE SUPEROPTIONS".
// Only a mount of the hierarchy's root is used: a bind mount of a subtree
// (a container's view) would give paths relative to that subtree.
CgroupMounts findCgroupMounts(const std::string& mountinfoText) {
  CgroupMounts mounts;
  std::istringstream in(mountinfoText);
  for (std::string line; std::getline(in, line);) {
    auto w = words(line);
    size_t dash = 0;
    while (dash < w.size() && w[dash] != "-") ++dash;
    if (dash < 5 || dash + 3 >= w.size() || w[3] != "/") continue;
    const std::string& fstype = w[dash + 1];
    if (fstype == "cgroup2" && mounts.v2.empty()) mounts.v2 = w[4];
    if (fstype == "cgroup" && mounts.memoryV1.empty() && hasOption(w[dash + 3], "memory"))
      mounts.memoryV1 = w[4];
  }
  return mounts;
}

CgroupTree::CgroupTree(std::string mountPoint) : mountPoint_(std::move(mountPoint)) {}

// Directories only, without following links; a cgroup removed during the
// walk is skipped, not an error.
void CgroupTree::scan() {
  namespace fs = std::filesystem;
  paths_.clear();
  struct stat st {};
  if (::stat(mountPoint_.c_str(), &st) == 0) paths_[st.st_ino] = "/";
  std::error_code ec;
  fs::recursive_directory_iterator it(mountPoint_, fs::directory_options::skip_permission_denied,
                                      ec);
  for (; !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    if (!it->is_directory(ec) || it->is_symlink(ec)) continue;
    if (::lstat(it->path().c_str(), &st) != 0) continue;
    paths_[st.st_ino] = "/" + it->path().lexically_relative(mountPoint_).string();
  }
}

// Kernfs ids are never reused, and a path is looked up after its event: an
// id that a scan does not find belonged to a cgroup already removed, and is
// never looked for again.
const std::string& CgroupTree::path(uint64_t id, uint64_t nowNs) {
  if (!mounted() || id == 0 || gone_.count(id)) return kUnknown;
  auto hit = paths_.find(id);
  if (hit != paths_.end()) return hit->second;
  if (scanned_ && nowNs - lastScanNs_ < kRescanNs) return kUnknown;
  scan();
  scanned_ = true;
  lastScanNs_ = nowNs;
  hit = paths_.find(id);
  if (hit != paths_.end()) return hit->second;
  if (gone_.size() >= kMaxGone) gone_.clear();
  gone_.insert(id);
  return kUnknown;
}

const std::string& CgroupTree::path(uint64_t id) {
  return path(id, monotonicNs());
}

uint64_t CgroupTree::idOf(const std::string& path) {
  struct stat st {};
  if (!mounted() || ::stat((mountPoint_ + path).c_str(), &st) != 0) return 0;
  paths_[st.st_ino] = path;
  gone_.erase(st.st_ino);
  return st.st_ino;
}

CgroupMounts readCgroupMounts(const std::string& mountinfo) {
  std::ifstream in(mountinfo);
  std::stringstream text;
  text << in.rdbuf();
  return findCgroupMounts(text.str());
}

CgroupResolver::CgroupResolver(const std::string& mountinfo) {
  CgroupMounts mounts = readCgroupMounts(mountinfo);
  v2_ = CgroupTree(mounts.v2);
  memoryV1_ = CgroupTree(mounts.memoryV1);
}

const std::string& CgroupResolver::v2Path(uint64_t id) {
  return v2_.path(id);
}

const std::string& CgroupResolver::memoryPath(uint64_t id) {
  return memoryV1_.mounted() ? memoryV1_.path(id) : v2Path(id);
}

}  // namespace sigrec::record
