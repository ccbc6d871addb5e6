// Writes a capture file: the file header, then one frame per call. Each frame
// is written whole or not at all, so a file on disk always ends on a frame
// boundary (or, after a crash, inside the last frame, which readers report).
#pragma once

#include <capnp/message.h>

#include <cstdint>
#include <filesystem>
#include <vector>

#include "schema/format.h"
#include "schema/frame_codec.h"
#include "base/unique_fd.h"

namespace sigrec::capture {

class CaptureWriter {
 public:
  // Creates PATH (or truncates it) with mode 0600: captures hold command lines.
  // zstd level 1: on recorder batches it is 15 % cheaper than level 3 and no
  // larger (kill storm, 1.2 M events: 315-326 ms of recorder CPU and 9.62 MB,
  // against 367-406 ms and 9.71 MB at level 3).
  explicit CaptureWriter(const std::filesystem::path& path, int zstdLevel = 1);

  // Throws CaptureError (e.g. "No space left on device"); the file is then cut
  // back to its last whole frame.
  void write(FrameType type, capnp::MessageBuilder& message);
  // The same for a message given as segments, written as they are.
  void write(FrameType type, Segments segments);
  // Makes what was written durable (fdatasync).
  void sync();

  uint64_t bytesWritten() const { return size_; }
  const std::filesystem::path& path() const { return path_; }

 private:
  void writeAll(const std::vector<uint8_t>& bytes);

  std::filesystem::path path_;
  UniqueFd fd_;
  int zstdLevel_;
  uint64_t size_ = 0;
};

}  // namespace sigrec::capture
