#include "schema/capture_writer.h"

#include <fcntl.h>
#include <sys/stat.h>

#include <cerrno>
#include <cstring>

#include "schema/capture_error.h"
#include "schema/frame_codec.h"

namespace sigrec::capture {

CaptureWriter::CaptureWriter(const std::filesystem::path& path, int zstdLevel)
    : path_(path), zstdLevel_(zstdLevel) {
  fd_.reset(::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600));
  if (!fd_) {
    throw CaptureError("cannot create " + path.string() + ": " + std::strerror(errno));
  }
  // An existing file keeps its old mode through O_TRUNC; captures must not be
  // readable by others.
  if (::fchmod(fd_.get(), 0600) != 0) {
    throw CaptureError("cannot set mode 0600 on " + path.string() + ": " + std::strerror(errno));
  }
  writeAll(encodeFileHeader());
}

void CaptureWriter::write(FrameType type, capnp::MessageBuilder& message) {
  writeAll(encodeFrame(type, message, zstdLevel_));
}

void CaptureWriter::write(FrameType type, Segments segments) {
  writeAll(encodeFrame(type, segments, zstdLevel_));
}

void CaptureWriter::writeAll(const std::vector<uint8_t>& bytes) {
  size_t done = 0;
  while (done < bytes.size()) {
    ssize_t n = ::write(fd_.get(), bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      int err = n < 0 ? errno : ENOSPC;
      // Cut the partial frame off so the file stays valid up to here.
      if (::ftruncate(fd_.get(), static_cast<off_t>(size_)) == 0) {
        ::lseek(fd_.get(), static_cast<off_t>(size_), SEEK_SET);
      }
      throw CaptureError("cannot write " + path_.string() + ": " + std::strerror(err));
    }
    done += static_cast<size_t>(n);
  }
  size_ += bytes.size();
}

void CaptureWriter::sync() {
  if (::fdatasync(fd_.get()) != 0) {
    throw CaptureError("cannot sync " + path_.string() + ": " + std::strerror(errno));
  }
}

}  // namespace sigrec::capture
