#include "record/cgroup_resolver.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>

#include "tests/support/run_command.h"
#include "tests/support/temp_dir.h"

namespace sigrec::record {
namespace {

// This machine's layout: hybrid, v2 at /sys/fs/cgroup/unified, memory on v1.
constexpr const char* kHybrid =
    "25 24 0:22 / /sys/fs/cgroup ro,nosuid shared:9 - tmpfs tmpfs ro,mode=755\n"
    "26 25 0:23 / /sys/fs/cgroup/unified rw,nosuid shared:10 - cgroup2 cgroup2 rw\n"
    "27 25 0:24 / /sys/fs/cgroup/systemd rw shared:11 - cgroup cgroup rw,xattr,name=systemd\n"
    "31 25 0:28 / /sys/fs/cgroup/memory rw shared:15 - cgroup cgroup rw,memory\n"
    "32 25 0:29 / /sys/fs/cgroup/memsub rw shared:16 - cgroup cgroup rw,memory_recursiveprot\n";

TEST(FindCgroupMounts, HybridHasV2AndTheMemoryV1Mount) {
  auto m = findCgroupMounts(kHybrid);
  EXPECT_EQ(m.v2, "/sys/fs/cgroup/unified");
  EXPECT_EQ(m.memoryV1, "/sys/fs/cgroup/memory");
}

TEST(FindCgroupMounts, UnifiedHasNoV1) {
  auto m =
      findCgroupMounts("30 1 0:26 / /sys/fs/cgroup rw shared:4 - cgroup2 cgroup2 rw,nsdelegate\n");
  EXPECT_EQ(m.v2, "/sys/fs/cgroup");
  EXPECT_EQ(m.memoryV1, "");
}

TEST(FindCgroupMounts, ABindMountOfASubtreeIsNotTheRoot) {
  auto m = findCgroupMounts(
      "40 1 0:26 /kubepods/pod1 /sys/fs/cgroup rw - cgroup2 cgroup2 rw\n"
      "41 1 0:26 / /host/cgroup rw - cgroup2 cgroup2 rw\n");
  EXPECT_EQ(m.v2, "/host/cgroup");
}

TEST(FindCgroupMounts, GarbageGivesNothing) {
  auto m = findCgroupMounts("nonsense\n- - -\n\n");
  EXPECT_EQ(m.v2, "");
  EXPECT_EQ(m.memoryV1, "");
}

uint64_t inodeOf(const std::filesystem::path& p) {
  struct stat st {};
  EXPECT_EQ(::stat(p.c_str(), &st), 0) << p;
  return st.st_ino;
}

// Any directory tree stands in for a hierarchy: ids are inode numbers.
TEST(CgroupTree, NamesDirectoriesCreatedAfterTheFirstScan) {
  sigrec::testing::TempDir dir;
  std::filesystem::path root = dir.path();
  std::filesystem::create_directories(root / "system.slice" / "a.service");
  CgroupTree tree(root.string());
  EXPECT_EQ(tree.path(inodeOf(root), 0), "/");
  EXPECT_EQ(tree.path(inodeOf(root / "system.slice" / "a.service"), 0), "/system.slice/a.service");
  std::filesystem::create_directories(root / "late.scope");
  uint64_t late = inodeOf(root / "late.scope");
  EXPECT_EQ(tree.path(late, 1), "") << "rescans wait kRescanNs";
  EXPECT_EQ(tree.path(late, 1 + CgroupTree::kRescanNs), "/late.scope");
}

TEST(CgroupTree, UnmountedAndZeroAreUnknown) {
  CgroupTree none;
  EXPECT_EQ(none.path(1, 0), "");
  sigrec::testing::TempDir dir;
  CgroupTree tree(dir.path());
  EXPECT_EQ(tree.path(0, 0), "");
}

}  // namespace
}  // namespace sigrec::record
