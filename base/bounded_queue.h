// A bounded queue between one producer thread and one consumer thread, for
// sigan's import pipelines (frames read ahead of the importer; rows written
// behind it) and sigrec's writer (batches encoded and written behind the
// ring buffer's drain). What they share, written once:
// - bounded: push() waits while CAPACITY items are queued, so memory stays
//   bounded however far one side runs ahead;
// - recycling: the consumer hands emptied items back (recycle()) and the
//   producer takes them (spare()), so large buffers are not grown and their
//   pages faulted in again for every item;
// - close and cancel: close() ends the stream after the queued items;
//   cancel() wakes both sides at once (the owner is being destroyed, or the
//   transaction rolled back) and drops what is queued;
// - error transport: fail() hands an exception to the other side, which
//   rethrows it in its own thread: pop() after the items queued before it,
//   push() and drained() at once (rows after a failed one are of no use).
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <exception>
#include <mutex>
#include <optional>
#include <utility>
#include <vector>

namespace sigrec {

template <typename T>
class BoundedQueue {
 public:
  explicit BoundedQueue(size_t capacity) : capacity_(capacity > 0 ? capacity : 1) {}
  BoundedQueue(const BoundedQueue&) = delete;
  BoundedQueue& operator=(const BoundedQueue&) = delete;
  BoundedQueue(BoundedQueue&&) = delete;
  BoundedQueue& operator=(BoundedQueue&&) = delete;
  ~BoundedQueue() = default;

  // Producer. False when the queue was cancelled or closed (ITEM dropped);
  // rethrows an error the consumer reported.
  bool push(T item) {
    std::unique_lock lock(mutex_);
    changed_.wait(lock, [this] { return items_.size() < capacity_ || ended(); });
    rethrow();
    if (ended()) return false;
    items_.push_back(std::move(item));
    ++pending_;
    changed_.notify_all();
    return true;
  }

  // Consumer. The next item; nullopt once closed (or cancelled) and empty.
  // Rethrows an error the producer reported, after the items before it.
  std::optional<T> pop() {
    std::unique_lock lock(mutex_);
    changed_.wait(lock, [this] { return !items_.empty() || ended(); });
    if (!items_.empty() && !cancelled_) {
      T item = std::move(items_.front());
      items_.pop_front();
      changed_.notify_all();
      return item;
    }
    rethrow();
    return std::nullopt;
  }

  // Consumer: the item taken last by pop() is fully handled (drained()).
  void done() {
    std::lock_guard lock(mutex_);
    --pending_;
    changed_.notify_all();
  }
  // Producer: waits until every pushed item was done(), or rethrows the
  // consumer's error.
  void drained() {
    std::unique_lock lock(mutex_);
    changed_.wait(lock, [this] { return pending_ == 0 || error_ || cancelled_; });
    rethrow();
  }

  void recycle(T item) {
    std::lock_guard lock(mutex_);
    spares_.push_back(std::move(item));
  }
  // A recycled item, or a new one.
  T spare() {
    std::lock_guard lock(mutex_);
    if (spares_.empty()) return T{};
    T item = std::move(spares_.back());
    spares_.pop_back();
    return item;
  }

  // Producer: no more items; pop() returns the queued ones, then nullopt.
  void close() {
    std::lock_guard lock(mutex_);
    closed_ = true;
    changed_.notify_all();
  }
  // Either side: ends the stream with ERROR for the other side to rethrow.
  void fail(std::exception_ptr error) {
    std::lock_guard lock(mutex_);
    if (!error_) error_ = std::move(error);
    closed_ = true;
    changed_.notify_all();
  }
  // Wakes both sides; queued items are dropped, no error is rethrown.
  void cancel() {
    std::lock_guard lock(mutex_);
    cancelled_ = true;
    items_.clear();
    changed_.notify_all();
  }

 private:
  bool ended() const { return closed_ || cancelled_; }
  void rethrow() {
    if (error_ && !cancelled_) std::rethrow_exception(error_);
  }

  const size_t capacity_;
  std::mutex mutex_;
  std::condition_variable changed_;
  std::deque<T> items_;
  std::vector<T> spares_;
  size_t pending_ = 0;  // pushed and not yet done()
  bool closed_ = false;
  bool cancelled_ = false;
  std::exception_ptr error_;
};

}  // namespace sigrec
