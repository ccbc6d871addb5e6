// BoundedQueue: order, the bound, recycling, and every way a pipeline ends
// (close, an error on either side, cancel while a side waits).
#include "base/bounded_queue.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace sigrec {
namespace {

using namespace std::chrono_literals;

TEST(BoundedQueue, ItemsArriveInOrderThenTheEnd) {
  BoundedQueue<int> q(4);
  std::jthread producer([&] {
    for (int i = 0; i < 100; ++i) ASSERT_TRUE(q.push(i));
    q.close();
  });
  std::vector<int> got;
  while (auto item = q.pop()) got.push_back(*item);
  ASSERT_EQ(got.size(), 100u);
  for (int i = 0; i < 100; ++i) EXPECT_EQ(got[i], i);
  EXPECT_FALSE(q.pop());
}

TEST(BoundedQueue, PushWaitsWhileFull) {
  BoundedQueue<int> q(2);
  ASSERT_TRUE(q.push(1));
  ASSERT_TRUE(q.push(2));
  std::atomic<bool> pushed = false;
  std::jthread producer([&] {
    q.push(3);
    pushed = true;
  });
  std::this_thread::sleep_for(50ms);
  EXPECT_FALSE(pushed);
  EXPECT_EQ(q.pop(), 1);
  producer.join();
  EXPECT_TRUE(pushed);
}

TEST(BoundedQueue, AProducersErrorComesAfterItsItems) {
  BoundedQueue<int> q(4);
  q.push(1);
  q.fail(std::make_exception_ptr(std::runtime_error("bad frame")));
  EXPECT_EQ(q.pop(), 1);
  EXPECT_THROW(q.pop(), std::runtime_error);
}

TEST(BoundedQueue, AConsumersErrorReachesAWaitingProducer) {
  BoundedQueue<int> q(1);
  q.push(1);
  std::jthread consumer([&] {
    std::this_thread::sleep_for(20ms);
    q.fail(std::make_exception_ptr(std::runtime_error("disk full")));
  });
  EXPECT_THROW(q.push(2), std::runtime_error);  // was waiting for room
  EXPECT_THROW(q.drained(), std::runtime_error);
}

TEST(BoundedQueue, DrainedWaitsUntilEveryItemIsDone) {
  BoundedQueue<int> q(4);
  std::atomic<int> handled = 0;
  std::jthread consumer([&] {
    while (auto item = q.pop()) {
      std::this_thread::sleep_for(5ms);
      ++handled;
      q.done();
    }
  });
  for (int i = 0; i < 10; ++i) q.push(i);
  q.drained();
  EXPECT_EQ(handled, 10);
  q.close();
}

TEST(BoundedQueue, CancelWakesBothSides) {
  BoundedQueue<int> full(1);
  full.push(1);
  std::jthread producer([&] { EXPECT_FALSE(full.push(2)); });
  BoundedQueue<int> empty(1);
  std::jthread consumer([&] { EXPECT_FALSE(empty.pop()); });
  std::this_thread::sleep_for(20ms);
  full.cancel();
  empty.cancel();
  producer.join();
  consumer.join();
  EXPECT_FALSE(full.pop());  // queued items are dropped
}

TEST(BoundedQueue, RecycledItemsKeepTheirBuffers) {
  BoundedQueue<std::string> q(2);
  EXPECT_TRUE(q.spare().empty());  // none yet: a new one
  std::string buffer(1 << 16, 'x');
  buffer.clear();
  const size_t capacity = buffer.capacity();
  q.recycle(std::move(buffer));
  std::string reused = q.spare();
  EXPECT_GE(reused.capacity(), capacity);
}

}  // namespace
}  // namespace sigrec
