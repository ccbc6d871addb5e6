// The kill-family syscall table against the capture format: entry N - 1 is
// the format's Syscall N, by name, and every syscall of the format is in it.
#include "base/kill_syscalls.h"

#include <gtest/gtest.h>

#include <capnp/schema.h>

#include "schema/capture.capnp.h"
#include "schema/enum_names.h"

namespace sigrec {
namespace {

TEST(KillSyscalls, FollowTheFormatsSyscallOrder) {
  auto enumerants = capnp::Schema::from<schema::Syscall>().getEnumerants();
  ASSERT_EQ(enumerants.size(), kKillSyscalls.size() + 1);  // and `none`
  for (unsigned nr = 1; nr < enumerants.size(); ++nr) {
    const KillSyscall* entry = killSyscall(nr);
    ASSERT_NE(entry, nullptr) << nr;
    EXPECT_EQ(entry->name, names::syscallName(static_cast<schema::Syscall>(nr)));
    EXPECT_EQ(killSyscall(entry->name), entry);
  }
  EXPECT_EQ(killSyscall(0u), nullptr);
  EXPECT_EQ(killSyscall("open"), nullptr);
}

TEST(KillSyscalls, EachHasOneSignalAndOneTarget) {
  for (const KillSyscall& s : kKillSyscalls) {
    EXPECT_TRUE(s.indexOf(KillArg::kSignal)) << s.name;
    EXPECT_TRUE(s.indexOf(KillArg::kPid) || s.indexOf(KillArg::kPidOrGroup) ||
                s.indexOf(KillArg::kTid) || s.indexOf(KillArg::kPidfd))
        << s.name;
  }
}

TEST(KillSyscalls, ArgumentsAreWrittenAsTheProgramPassedThem) {
  EXPECT_EQ(killCallArguments("kill", {1234, 15, 0, 0}), "1234, SIGTERM");
  EXPECT_EQ(killCallArguments("kill", {1234, 0, 0, 0}), "1234, 0");
  EXPECT_EQ(killCallArguments("tgkill", {1234, 1240, 9, 0}), "1234, 1240, SIGKILL");
  EXPECT_EQ(killCallArguments("pidfd_send_signal", {3, 15, 0, 0}), "3, SIGTERM, NULL, 0");
  EXPECT_EQ(killCallArguments("pidfd_send_signal", {3, 15, 0x7ffd0000, 0}), "3, SIGTERM, info, 0");
  EXPECT_EQ(killCallArguments("rt_tgsigqueueinfo", {5, 6, 34, 0x1000}), "5, 6, SIGRTMIN+2, info");
  EXPECT_EQ(killCallArguments("tkill", {7, 99, 0, 0}), "7, 99");
  EXPECT_EQ(killCallArguments("open", {1, 2, 3, 4}), "");
}

}  // namespace
}  // namespace sigrec
