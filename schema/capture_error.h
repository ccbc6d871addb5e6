// The one exception type of the capture library. Its message is meant for the
// user as is: it names the file and, where it applies, the byte offset.
#pragma once

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>

namespace sigrec::capture {

class CaptureError : public std::runtime_error {
 public:
  explicit CaptureError(const std::string& message) : std::runtime_error(message) {}
  CaptureError(const std::string& path, uint64_t offset, const std::string& what)
      : std::runtime_error(path + ": offset " + std::to_string(offset) + ": " + what),
        offset_(offset) {}

  std::optional<uint64_t> offset() const { return offset_; }

 private:
  std::optional<uint64_t> offset_;
};

}  // namespace sigrec::capture
