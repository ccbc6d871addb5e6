// Reads, checks and unpacks the frames of a capture on a thread of its own,
// a few frames ahead of the importer. Unpacking and validating a frame costs
// about a third of what inserting its events into SQLite does, and the import
// is otherwise one thread on a machine with more than one core.
#pragma once

#include <cstddef>
#include <optional>
#include <thread>

#include "base/bounded_queue.h"
#include "schema/capture_reader.h"

namespace sigrec::analyze {

class FramePrefetcher {
 public:
  // Starts reading READER's next frames; READER must outlive this object and
  // must not be used until it is destroyed or next() has returned nullopt.
  // DEPTH bounds the frames held in memory (each is one unpacked batch).
  FramePrefetcher(capture::CaptureReader& reader, size_t depth);
  ~FramePrefetcher();
  FramePrefetcher(const FramePrefetcher&) = delete;
  FramePrefetcher& operator=(const FramePrefetcher&) = delete;

  // The next frame, or nullopt at the end of the file. An exception thrown
  // while reading is rethrown here, in the importer's thread.
  std::optional<capture::Frame> next();

 private:
  void produce(const std::stop_token& stop);

  capture::CaptureReader& reader_;
  BoundedQueue<capture::Frame> frames_;
  std::jthread thread_;  // last: started once everything above exists
};

}  // namespace sigrec::analyze
