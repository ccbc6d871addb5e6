// The fuzz targets' input as a file: the reader and sigan take paths, so each
// input is written into one memfd, reused across inputs.
#pragma once

#include <sys/mman.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

namespace sigrec::fuzz {

inline const std::string& inputPath(const uint8_t* data, size_t size) {
  static int fd = memfd_create("capture", MFD_CLOEXEC);
  static std::string path = "/proc/self/fd/" + std::to_string(fd);
  if (fd < 0 || ftruncate(fd, 0) != 0 || pwrite(fd, data, size, 0) != static_cast<ssize_t>(size)) {
    std::abort();
  }
  return path;
}

}  // namespace sigrec::fuzz
