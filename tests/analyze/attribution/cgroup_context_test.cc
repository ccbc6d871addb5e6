#include "analyze/attribution/cgroup_context.h"

#include <gtest/gtest.h>

namespace sigrec::analyze {
namespace {

constexpr const char* kId = "4f1e0a9c2b7d3e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7";

TEST(CgroupContext, SystemdService) {
  auto c = cgroupContext("/system.slice/nginx.service");
  EXPECT_EQ(c.unit, "nginx.service");
  EXPECT_EQ(c.slice, "system.slice");
  EXPECT_EQ(c.containerId, "");
  EXPECT_EQ(c.podUid, "");
}

TEST(CgroupContext, ContainerScopes) {
  for (const char* prefix : {"docker-", "cri-containerd-", "crio-", "libpod-"}) {
    auto c = cgroupContext(std::string("/system.slice/") + prefix + kId + ".scope");
    EXPECT_EQ(c.containerId, kId) << prefix;
    EXPECT_EQ(c.unit, std::string(prefix) + kId + ".scope");
  }
  EXPECT_EQ(cgroupContext(std::string("/docker/") + kId).containerId, kId);
  EXPECT_EQ(cgroupContext("/system.slice/docker-123.scope").containerId, "") << "not a full id";
}

TEST(CgroupContext, KubepodsBothDrivers) {
  auto systemd =
      cgroupContext(std::string("/kubepods.slice/kubepods-burstable.slice/"
                                "kubepods-burstable-pod1b2c3d4e_5f60_7182_93a4_b5c6d7e8f90a.slice/"
                                "cri-containerd-") +
                    kId + ".scope");
  EXPECT_EQ(systemd.podUid, "1b2c3d4e-5f60-7182-93a4-b5c6d7e8f90a");
  EXPECT_EQ(systemd.containerId, kId);
  EXPECT_EQ(systemd.slice, "kubepods-burstable-pod1b2c3d4e_5f60_7182_93a4_b5c6d7e8f90a.slice");
  auto cgroupfs = cgroupContext(
      std::string("/kubepods/besteffort/pod1b2c3d4e-5f60-7182-93a4-b5c6d7e8f90a/") + kId);
  EXPECT_EQ(cgroupfs.podUid, "1b2c3d4e-5f60-7182-93a4-b5c6d7e8f90a");
  EXPECT_EQ(cgroupfs.containerId, kId);
}

TEST(CgroupContext, RootAndEmptySayNothing) {
  for (const char* path : {"/", "", "///"}) {
    auto c = cgroupContext(path);
    EXPECT_EQ(c.unit, "");
    EXPECT_EQ(c.slice, "");
    EXPECT_EQ(c.containerId, "");
  }
}

}  // namespace
}  // namespace sigrec::analyze
