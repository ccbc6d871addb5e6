// The capture file(s) of one recording (docs/sigrec.md, "Rotation and
// retention"). With a size limit, recording either stops at the limit or
// rotates to a new file; retention then removes the oldest files beyond a
// count, a total size or an age. Each file stands alone: its own info and
// /proc snapshot frames first, its own trailer last.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <string>
#include <sys/types.h>

#include "record/clock.h"
#include "schema/capture_writer.h"

namespace sigrec::record {

struct FilePolicy {
  std::string path;            // as given; numbered when rotating
  uint64_t maxBytes = 0;       // 0 = no limit
  uint32_t keepFiles = 0;      // 0 = stop at the limit; N >= 2 = rotate, keep the newest N
  uint64_t maxTotalBytes = 0;  // rotating: remove the oldest while all exceed this; 0 = off
  uint64_t maxAgeSec = 0;      // rotating: remove files last written longer ago; 0 = off
};

// What a file's info frame says about its start.
struct FileStart {
  uint32_t sequence;     // the file's number
  int64_t bootToWallNs;  // measured as this file starts, not once per recording
};

class CaptureFiles {
 public:
  // Writes the info and snapshot frames of a file.
  using HeaderWriter = std::function<void(capture::CaptureWriter&, const FileStart&)>;

  // Creates the first file (its header frames come with writeHeader(), once
  // the probes are attached). When rotating, numbered files of an earlier
  // recording to the same path are kept, counted for retention, and the
  // numbering continues after them. CLOCK gives each file's boot-to-wall
  // offset. Throws CaptureError.
  CaptureFiles(FilePolicy policy, HeaderWriter writeHeader, const Clock& clock = systemClock());
  // Measures the boot-to-wall offset and writes the current file's header.
  void writeHeader();

  capture::CaptureWriter& writer() { return *writer_; }
  bool rotating() const { return policy_.keepFiles >= 2; }
  // The current file has reached the size limit.
  bool full() const { return policy_.maxBytes && writer_->bytesWritten() >= policy_.maxBytes; }
  // Any thread (SIGHUP): the writer should start a new file.
  void requestNewFile() { newFileRequested_ = true; }
  // Writer thread: the current file should end now (full or older than the
  // maximum age while rotating, or requested). A request without rotation is honoured only once the
  // file was moved away (logrotate's way): recreating it in place would destroy it.
  bool needsNewFile();
  // Opens the next file (the caller has closed the current one with its
  // trailer) and applies retention.
  void rotate();
  // Applies retention by age and total size; cheap, throttled to every few
  // seconds. Writer thread.
  void expire();
  const std::string& currentPath() const { return paths_.back(); }
  // The files of this recording still kept, oldest first.
  const std::deque<std::string>& paths() const { return paths_; }
  uint32_t sequence() const { return sequence_; }
  // The offset the current file's header holds (--print shows times with it,
  // so the live view and the file agree).
  int64_t bootToWallNs() const { return bootToWallNs_; }

  // "box.sigrec", 3 -> "box.0003.sigrec"
  static std::string numberedPath(const std::string& path, uint32_t sequence);

 private:
  void create();
  void adoptEarlierFiles();
  void applyRetention();

  FilePolicy policy_;
  HeaderWriter writeHeader_;
  const Clock& clock_;
  uint32_t sequence_ = 0;
  int64_t bootToWallNs_ = 0;
  std::deque<std::string> paths_;  // oldest first; the last is being written
  std::unique_ptr<capture::CaptureWriter> writer_;
  dev_t device_ = 0;  // of the current file, to see whether it was moved
  ino_t inode_ = 0;
  std::chrono::steady_clock::time_point openedAt_{};
  std::atomic<bool> newFileRequested_{false};
  std::chrono::steady_clock::time_point nextExpiry_{};
};

}  // namespace sigrec::record
