// The capture file(s) of one recording (docs/sigrec.md, "Options": --rotate, --max-size). With a
// size limit, recording either stops at the limit or rotates to a new file,
// keeping the newest N. Each file stands alone: its own info and /proc
// snapshot frames first, its own trailer last.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <string>

#include "schema/capture_writer.h"

namespace sigrec::record {

struct FilePolicy {
  std::string path;        // as given; numbered when rotating
  uint64_t maxBytes = 0;   // 0 = no limit
  uint32_t keepFiles = 0;  // 0 = stop at the limit; N >= 2 = rotate, keep the newest N
};

class CaptureFiles {
 public:
  // Writes the info and snapshot frames of file number SEQUENCE.
  using HeaderWriter = std::function<void(capture::CaptureWriter&, uint32_t sequence)>;

  // Creates the first file (its header frames come with writeHeader(), once
  // the probes are attached). Throws CaptureError.
  CaptureFiles(FilePolicy policy, HeaderWriter writeHeader);
  void writeHeader();

  capture::CaptureWriter& writer() { return *writer_; }
  bool rotating() const { return policy_.keepFiles >= 2; }
  // The current file has reached the size limit.
  bool full() const { return policy_.maxBytes && writer_->bytesWritten() >= policy_.maxBytes; }
  // Opens the next file (the caller has closed the current one with its
  // trailer) and removes the oldest beyond the number to keep.
  void rotate();
  const std::string& currentPath() const { return paths_.back(); }

  // "box.sigrec", 3 -> "box.0003.sigrec"
  static std::string numberedPath(const std::string& path, uint32_t sequence);

 private:
  void create();

  FilePolicy policy_;
  HeaderWriter writeHeader_;
  uint32_t sequence_ = 0;
  std::deque<std::string> paths_;
  std::unique_ptr<capture::CaptureWriter> writer_;
};

}  // namespace sigrec::record
