// Cgroup ids (what the BPF side reads: kernfs node ids, which are the inode
// numbers of the cgroup directories) to paths, for the v2 hierarchy and the
// v1 hierarchy that holds the memory controller (hybrid machines).
#pragma once

#include <cstdint>
#include <string>
#include <unordered_map>
#include <unordered_set>

namespace sigrec::record {

// One mounted hierarchy: ids to paths relative to its root ("/", "/a.slice/b.service").
class CgroupTree {
 public:
  CgroupTree() = default;
  explicit CgroupTree(std::string mountPoint);

  bool mounted() const { return !mountPoint_.empty(); }
  // The path of ID, or "" if no directory has it. A miss rescans the tree
  // (cgroups created after the last scan), at most once per kRescanNs.
  const std::string& path(uint64_t id, uint64_t nowNs);
  // The same, now (CLOCK_MONOTONIC).
  const std::string& path(uint64_t id);
  // The id of PATH (relative to the root, as /proc/PID/cgroup spells it),
  // 0 if it does not exist (any more); remembered for path().
  uint64_t idOf(const std::string& path);

  static constexpr uint64_t kRescanNs = 20'000'000;

 private:
  void scan();

  std::string mountPoint_;
  static constexpr size_t kMaxGone = 65536;
  std::unordered_map<uint64_t, std::string> paths_;
  std::unordered_set<uint64_t> gone_;
  uint64_t lastScanNs_ = 0;
  bool scanned_ = false;
};

class CgroupResolver {
 public:
  // The mounts listed in MOUNTINFO (/proc/self/mountinfo's format).
  explicit CgroupResolver(const std::string& mountinfo = "/proc/self/mountinfo");

  const std::string& v2Path(uint64_t id);
  // In the hierarchy that holds the memory controller: v1's if it is bound
  // there, else v2.
  const std::string& memoryPath(uint64_t id);

 private:
  CgroupTree v2_;
  CgroupTree memoryV1_;
};

// The cgroup2 mount point and the v1 mount point of the memory controller
// in a mountinfo text ("" where there is none).
struct CgroupMounts {
  std::string v2;
  std::string memoryV1;
};
CgroupMounts findCgroupMounts(const std::string& mountinfoText);
// The same, from the file MOUNTINFO (/proc/self/mountinfo's format).
CgroupMounts readCgroupMounts(const std::string& mountinfo = "/proc/self/mountinfo");

}  // namespace sigrec::record
