#include "analyze/import/frame_prefetcher.h"

#include <utility>

namespace sigrec::analyze {

FramePrefetcher::FramePrefetcher(capture::CaptureReader& reader, size_t depth)
    : reader_(reader),
      depth_(depth > 0 ? depth : 1),
      thread_([this](const std::stop_token& stop) { produce(stop); }) {}

FramePrefetcher::~FramePrefetcher() {
  // Wakes the producer if it waits for room; jthread joins it.
  thread_.request_stop();
  changed_.notify_all();
}

void FramePrefetcher::produce(const std::stop_token& stop) {
  try {
    while (!stop.stop_requested()) {
      std::optional<capture::Frame> frame = reader_.next();
      std::unique_lock lock(mutex_);
      if (!frame) break;
      if (!changed_.wait(lock, stop, [this] { return frames_.size() < depth_; })) return;
      frames_.push_back(std::move(*frame));
      changed_.notify_all();
    }
  } catch (...) {
    std::lock_guard lock(mutex_);
    error_ = std::current_exception();
  }
  std::lock_guard lock(mutex_);
  done_ = true;
  changed_.notify_all();
}

std::optional<capture::Frame> FramePrefetcher::next() {
  std::unique_lock lock(mutex_);
  changed_.wait(lock, [this] { return !frames_.empty() || done_; });
  if (!frames_.empty()) {
    capture::Frame frame = std::move(frames_.front());
    frames_.pop_front();
    changed_.notify_all();
    return frame;
  }
  if (error_) std::rethrow_exception(std::exchange(error_, nullptr));
  return std::nullopt;
}

}  // namespace sigrec::analyze
