// analyze/import/signal_tracker: the window of signals rows, delivery
// matching and kill-call links, without a database.
#include "analyze/import/signal_tracker.h"

#include <gtest/gtest.h>

namespace sigrec::analyze {
namespace {

const std::string kName = "X";

SignalRow row(int64_t id, int32_t result = 1, bool bySyscall = false, uint32_t tid = 10,
              uint64_t enterNs = 0) {
  SignalRow r{};
  r.id = id;
  r.result = result;
  r.bySyscall = bySyscall;
  r.senderTid = tid;
  r.callEnterNs = enterNs;
  r.targetId = 7;
  r.targetTid = 70;
  r.signo = 15;
  r.group = true;
  r.signalName = r.codeName = r.resultName = &kName;
  return r;
}

class SignalTrackerTest : public ::testing::Test {
 protected:
  std::vector<SignalRow> written;
  SignalTracker::Write write() {
    return [this](const SignalRow& r) { written.push_back(r); };
  }
};

TEST_F(SignalTrackerTest, ACompleteRowIsWrittenAtOnce) {
  SignalTracker t(write());
  t.generated(row(1));
  ASSERT_EQ(written.size(), 1u);
  EXPECT_EQ(written[0].id, 1);
}

TEST_F(SignalTrackerTest, RowsWaitForTheirDeliveryAndLeaveInIdOrder) {
  SignalTracker t(write());
  t.generated(row(1, 0));  // delivered result: waits
  t.generated(row(2));
  EXPECT_TRUE(written.empty());
  auto match = t.matchDelivery(7, 15, 70);
  ASSERT_EQ(match, 1);
  EXPECT_TRUE(t.delivered(1, 100, 5, "default"));
  ASSERT_EQ(written.size(), 2u);
  EXPECT_EQ(written[0].id, 1);
  EXPECT_EQ(written[0].deliveryId, 100);
  EXPECT_EQ(written[1].id, 2);
}

TEST_F(SignalTrackerTest, AFullWindowWritesItsOldestRowIncomplete) {
  SignalTracker t(write(), 2);
  t.generated(row(1, 0));
  t.generated(row(2));
  t.generated(row(3));
  ASSERT_EQ(written.size(), 3u);
  EXPECT_FALSE(written[0].deliveryId);
  EXPECT_EQ(t.matchDelivery(7, 15, 70), 1);
  EXPECT_FALSE(t.delivered(1, 100, 5, "default")) << "written: the caller updates it";
}

TEST_F(SignalTrackerTest, TheFirstKillCallOfTheKeyIsLinkedWheneverItComes) {
  SignalTracker t(write(), 1);
  t.generated(row(1, 1, true, 10, 500));
  t.generated(row(2, 1, true, 11, 600));  // pushes row 1 out of the window
  t.killCall({11, 600}, 41);
  t.killCall({11, 600}, 42);  // a second call with the same key does not count
  t.killCall({10, 500}, 40);
  t.finish();
  ASSERT_EQ(written.size(), 2u);
  EXPECT_FALSE(written[0].killCallId);
  EXPECT_EQ(written[1].killCallId, 41);
  auto late = t.lateKillLinks();
  ASSERT_EQ(late.size(), 1u);
  EXPECT_EQ(late[0], std::make_pair(int64_t{1}, int64_t{40}));
}

TEST_F(SignalTrackerTest, AKnownKillCallIsLinkedAtOnce) {
  SignalTracker t(write());
  t.killCall({10, 500}, 40);
  t.generated(row(1, 1, true, 10, 500));
  ASSERT_EQ(written.size(), 1u);
  EXPECT_EQ(written[0].killCallId, 40);
}

TEST_F(SignalTrackerTest, ADeliveryTakesTheLatestMatchingGeneration) {
  SignalTracker t(write());
  SignalRow thread = row(1, 0);
  thread.group = false;
  thread.targetTid = 71;
  t.generated(thread);
  t.generated(row(2, 0));
  SignalRow other = row(3, 0);
  other.group = false;
  other.targetTid = 72;
  t.generated(other);
  EXPECT_EQ(t.matchDelivery(7, 15, 71), 2) << "the process-directed one is later";
  EXPECT_EQ(t.matchDelivery(7, 15, 71), 1);
  EXPECT_EQ(t.matchDelivery(7, 15, 71), std::nullopt) << "3 is for thread 72 only";
  EXPECT_EQ(t.matchDelivery(7, 9, 72), std::nullopt) << "another signal";
  EXPECT_EQ(t.matchDelivery(7, 15, 72), 3);
}

}  // namespace
}  // namespace sigrec::analyze
