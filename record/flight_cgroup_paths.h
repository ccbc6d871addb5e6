// cgroup v2 ids (the inode number of the cgroup's directory, what the BPF
// side reports) to paths as /proc/PID/cgroup spells them ("/system.slice/
// nginx.service"), for the flight recorder's death filters and the /proc
// snapshot of a dump.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <unordered_map>

namespace sigrec::record {

class CgroupPaths {
 public:
  // MOUNT: where cgroup v2 is mounted; empty = look it up in /proc/self/mounts.
  explicit CgroupPaths(std::string mount = "");

  // The id of PATH, 0 if it does not exist (any more).
  uint64_t idOf(const std::string& path);
  // The path of ID, "" if unknown. A miss walks the cgroup tree, at most once
  // a second: a cgroup created since the last walk is found, a flood of
  // unknown ids costs one walk.
  std::string pathOf(uint64_t id);

 private:
  void walk();

  std::string mount_;
  std::unordered_map<uint64_t, std::string> byId_;
  std::chrono::steady_clock::time_point nextWalk_{};
};

}  // namespace sigrec::record
