// Reads a capture file frame by frame. Every file is untrusted: sizes are
// capped, checksums verified and Cap'n Proto traversal bounded before a frame
// is handed out. A damaged frame is skipped and reported (offset and reason);
// reading resumes at the next whole frame.
#pragma once

#include <capnp/message.h>

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "schema/capture.capnp.h"
#include "schema/format.h"
#include "base/unique_fd.h"

namespace sigrec::capture {

// A stretch of the file that could not be read.
struct Damage {
  uint64_t offset;  // where the bad frame (or garbage) starts
  uint64_t bytes;   // how many bytes were skipped
  std::string what;
  bool truncation;  // the file ends inside this frame (e.g. recorder killed)
};

// One decoded frame; owns its bytes. Readers obtained from it are valid while
// the Frame lives.
class Frame {
 public:
  // MESSAGE: a flat Cap'n Proto message (FLAT, format 2.x) or a packed one.
  Frame(FrameType type, uint64_t offset, std::vector<uint8_t> message, bool flat);
  Frame(Frame&&) noexcept;
  Frame(const Frame&) = delete;
  Frame& operator=(const Frame&) = delete;
  Frame& operator=(Frame&&) noexcept;
  ~Frame();

  FrameType type() const { return type_; }
  uint64_t offset() const { return offset_; }
  template <typename T>
  typename T::Reader root() {
    return message().getRoot<T>();
  }

 private:
  capnp::MessageReader& message();
  struct Decoded;
  FrameType type_;
  uint64_t offset_;
  std::unique_ptr<Decoded> decoded_;
};

class CaptureReader {
 public:
  // Throws CaptureError when PATH cannot be opened, is not a regular file, is
  // not a capture, or was written by a newer, incompatible sigrec.
  explicit CaptureReader(const std::filesystem::path& path);

  // The next whole frame, or nullopt at the end of the file. Frames of types
  // this version does not know are skipped (they come from newer minor
  // versions).
  std::optional<Frame> next();

  const std::vector<Damage>& damage() const { return damage_; }
  uint16_t formatMajor() const { return major_; }
  uint16_t formatMinor() const { return minor_; }
  uint64_t fileSize() const { return fileSize_; }
  uint64_t offset() const { return offset_; }
  const std::filesystem::path& path() const { return path_; }

  // True if FILE starts with the capture magic (used to tell captures from
  // databases by content). Never throws.
  static bool looksLikeCapture(const std::filesystem::path& file);

 private:
  bool readAt(uint64_t offset, void* buffer, size_t size);
  std::optional<Frame> tryFrameAt(uint64_t offset, uint64_t* end, std::string* error);
  uint64_t findNextMarker(uint64_t from);

  std::filesystem::path path_;
  UniqueFd fd_;
  uint64_t fileSize_ = 0;
  uint64_t offset_ = 0;
  uint16_t major_ = 0;
  uint16_t minor_ = 0;
  std::vector<Damage> damage_;
};

}  // namespace sigrec::capture
