#include "analyze/import/frame_prefetcher.h"

#include <exception>

namespace sigrec::analyze {

FramePrefetcher::FramePrefetcher(capture::CaptureReader& reader, size_t depth)
    : reader_(reader),
      frames_(depth),
      thread_([this](const std::stop_token& stop) { produce(stop); }) {}

FramePrefetcher::~FramePrefetcher() {
  // Wakes the producer if it waits for room; jthread joins it.
  thread_.request_stop();
  frames_.cancel();
}

void FramePrefetcher::produce(const std::stop_token& stop) {
  try {
    while (!stop.stop_requested()) {
      std::optional<capture::Frame> frame = reader_.next();
      if (!frame || !frames_.push(std::move(*frame))) break;
    }
    frames_.close();
  } catch (...) {
    frames_.fail(std::current_exception());
  }
}

std::optional<capture::Frame> FramePrefetcher::next() {
  return frames_.pop();
}

}  // namespace sigrec::analyze
