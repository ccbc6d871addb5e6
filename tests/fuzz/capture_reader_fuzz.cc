// libFuzzer target: the input is a whole capture file. The reader must never
// crash, hang or let an exception other than CaptureError (from opening)
// escape, and every frame it returns must be readable whole.
#include <sys/mman.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "schema/capture_error.h"
#include "schema/capture_reader.h"

namespace {

using sigrec::capture::CaptureError;
using sigrec::capture::CaptureReader;
using sigrec::capture::Frame;
using sigrec::capture::FrameType;
namespace schema = sigrec::schema;

// Stringifying a root reads every field through the schema.
size_t walk(Frame& frame) {
  switch (frame.type()) {
    case FrameType::kInfo: return kj::str(frame.root<schema::CaptureInfo>()).size();
    case FrameType::kSnapshot: return kj::str(frame.root<schema::ProcessSnapshot>()).size();
    case FrameType::kEvents: return kj::str(frame.root<schema::EventBatch>()).size();
    case FrameType::kTrailer: return kj::str(frame.root<schema::Trailer>()).size();
  }
  std::abort();  // the reader returned a frame type it does not know
}

// The reader takes a path: the input goes into one memfd, reused.
const std::string& inputPath(const uint8_t* data, size_t size) {
  static int fd = memfd_create("capture", MFD_CLOEXEC);
  static std::string path = "/proc/self/fd/" + std::to_string(fd);
  if (fd < 0 || ftruncate(fd, 0) != 0 ||
      pwrite(fd, data, size, 0) != static_cast<ssize_t>(size)) {
    std::abort();
  }
  return path;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string& path = inputPath(data, size);
  bool looks = CaptureReader::looksLikeCapture(path);
  try {
    CaptureReader reader(path);
    if (!looks) std::abort();  // opened a file without the magic
    uint64_t last = 0;
    while (auto frame = reader.next()) {
      if (frame->offset() < last || frame->offset() >= reader.fileSize()) std::abort();
      last = frame->offset();
      walk(*frame);
    }
    uint64_t skipped = 0;
    for (const auto& d : reader.damage()) skipped += d.bytes;
    if (skipped > reader.fileSize()) std::abort();
  } catch (const CaptureError&) {
    // Not a capture, or a newer major version: refused at open, as designed.
  }
  return 0;
}
