// The attribution rules of analyze/attribution/, each alone.
#include <gtest/gtest.h>

#include "analyze/attribution/alive_at.h"
#include "analyze/attribution/kill_call_text.h"
#include "analyze/attribution/sender.h"
#include "analyze/store/db.h"
#include "analyze/query/display_text.h"

namespace sigrec::analyze {
namespace {

TEST(KillCallText, EachSyscallAsTheProgramWroteIt) {
  EXPECT_EQ(killCallText({"kill", 4242, 15, 0, 0, 0, "", true}), "kill(4242, SIGTERM) = 0");
  EXPECT_EQ(killCallText({"tkill", 7, 9, 0, 0, -3, "ESRCH", true}), "tkill(7, SIGKILL) = -1 ESRCH");
  EXPECT_EQ(killCallText({"tgkill", 7, 8, 6, 0, 0, "", true}), "tgkill(7, 8, SIGABRT) = 0");
  EXPECT_EQ(killCallText({"pidfd_send_signal", 3, 15, 0, 0, 0, "", true}),
            "pidfd_send_signal(3, SIGTERM, NULL, 0) = 0");
  EXPECT_EQ(killCallText({"rt_sigqueueinfo", 7, 10, 0, 0, 0, "", true}),
            "rt_sigqueueinfo(7, SIGUSR1, info) = 0");
  EXPECT_EQ(killCallText({"rt_tgsigqueueinfo", 7, 8, 12, 0, 0, "", true}),
            "rt_tgsigqueueinfo(7, 8, SIGUSR2, info) = 0");
}

TEST(KillCallText, AProbeAndAnInvalidSignalAreNumbers) {
  EXPECT_EQ(killCallText({"kill", 99, 0, 0, 0, -3, "ESRCH", true}), "kill(99, 0) = -1 ESRCH");
  EXPECT_EQ(killCallText({"kill", 99, 100, 0, 0, -22, "EINVAL", true}),
            "kill(99, 100) = -1 EINVAL");
}

TEST(KillCallText, ACallThatNeverReturnedHasNoAnswer) {
  EXPECT_EQ(killCallText({"kill", 2414, 9, 0, 0, 0, "", false}),
            std::string("kill(2414, SIGKILL)") + kNoReturnText);
}

TEST(KillCallText, ReadsTheColumnsByName) {
  Db db("", Db::Mode::kMemory);
  auto row = db.prepare(
      "SELECT 'tgkill' AS syscall, 1 AS arg0, 2 AS arg1, 9 AS arg2, 0 AS arg3, -1 AS ret,"
      " 'EPERM' AS errno_name, NULL AS returned");
  ASSERT_TRUE(row.step());
  KillCallView call = killCallView(row);
  EXPECT_TRUE(call.returned);  // schema version 1 rows
  EXPECT_EQ(killCallText(call), "tgkill(1, 2, SIGKILL) = -1 EPERM");
}

TEST(AliveAt, FromStartThroughExitBothIncluded) {
  ProcessInstance p;
  p.startNs = 100;
  EXPECT_FALSE(aliveAt(p, 99));
  EXPECT_TRUE(aliveAt(p, 100));
  EXPECT_TRUE(aliveAt(p, 1'000'000));  // still running
  p.exitNs = 200;
  EXPECT_TRUE(aliveAt(p, 200));
  EXPECT_FALSE(aliveAt(p, 201));
}

TEST(AliveAt, TheLatestStartOfThoseAliveWins) {
  ProcessResolver procs(1, 10'000'000);
  ProcessInstance& old = procs.byStart(50, 100);
  procs.setExit(old, 300);
  ProcessInstance& reused = procs.byStart(50, 250);
  EXPECT_EQ(procs.atTime(50, 200)->id, old.id);
  EXPECT_EQ(procs.atTime(50, 260)->id, reused.id);
  EXPECT_EQ(procs.atTime(50, 50), nullptr);
  EXPECT_EQ(procs.atTime(51, 260), nullptr);
}

TEST(Sender, AKernelSignalHasNoSenderOnlyContext) {
  Db db("", Db::Mode::kMemory);
  db.exec(
      "CREATE TABLE signals (id INTEGER, origin TEXT, sender_pid INTEGER);"
      "INSERT INTO signals VALUES (1, 'kill', 10), (2, 'kernel', 20), (3, 'tgkill', 30)");
  auto rows = db.prepare("SELECT id, " + sentBySyscall("s") + " AS by_syscall, " +
                         senderColumn("s", "sender_pid") + " AS sender FROM signals s ORDER BY id");
  std::vector<std::pair<int64_t, std::optional<int64_t>>> got;
  while (rows.step()) got.emplace_back(rows.getInt("by_syscall"), rows.getOptInt("sender"));
  std::vector<std::pair<int64_t, std::optional<int64_t>>> want = {
      {1, 10}, {0, std::nullopt}, {1, 30}};
  EXPECT_EQ(got, want);
}

}  // namespace
}  // namespace sigrec::analyze
