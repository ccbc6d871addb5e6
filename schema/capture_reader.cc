#include "schema/capture_reader.h"

#include <capnp/serialize-packed.h>
#include <capnp/serialize.h>
#include <fcntl.h>
#include <kj/io.h>
#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <optional>
#include <vector>

#include "schema/capture_error.h"
#include "schema/frame_codec.h"

namespace sigrec::capture {

// A frame's message over its own bytes: flat (2.x) is read in place, packed
// (1.x) is unpacked by a reader that keeps reading from the stream as later
// segments are asked for, so the stream lives as long as the reader.
struct Frame::Decoded {
  Decoded(std::vector<uint8_t> message, bool flat) : bytes(std::move(message)) {
    const capnp::ReaderOptions options{kTraversalLimitWords, kNestingLimit};
    if (flat) {
      // std::vector's storage comes from operator new: word-aligned.
      reader = std::make_unique<capnp::FlatArrayMessageReader>(
          kj::ArrayPtr<const capnp::word>(reinterpret_cast<const capnp::word*>(bytes.data()),
                                          bytes.size() / sizeof(capnp::word)),
          options);
    } else {
      stream.emplace(kj::ArrayPtr<const kj::byte>(bytes.data(), bytes.size()));
      reader = std::make_unique<capnp::PackedMessageReader>(*stream, options);
    }
  }
  std::vector<uint8_t> bytes;
  std::optional<kj::ArrayInputStream> stream;
  std::unique_ptr<capnp::MessageReader> reader;
};

namespace {

// Reads every pointer field the schema knows, through the generated readers,
// so that pointers of the wrong kind (a struct where text is expected, a bit
// list where events are) and unterminated text throw here, as one frame's
// damage, and never later in a caller. Written out by hand over the known
// schema: the former generic walk (capnp::DynamicStruct over every field)
// cost about 1 us per event, several times what the import itself does with
// an event. Scalars cannot be invalid and are skipped; lists of structs
// without pointers (losses, counters) are only opened, which checks their
// kind and bounds without visiting the elements. Fields added to the schema
// later that hold pointers must be added here (the round-trip tests in
// tests/schema/capture_format_test.cc read every field of every record).
void checkTexts(capnp::List<capnp::Text>::Reader list) {
  for (auto text : list) (void)text;
}

void check(schema::CaptureInfo::Reader info) {
  (void)info.getHostname();
  (void)info.getKernelRelease();
  (void)info.getKernelVersion();
  (void)info.getMachine();
  (void)info.getBootId();
  (void)info.getRecorderVersion();
  checkTexts(info.getRecorderArgs());
  checkTexts(info.getCommand());
}

void check(schema::ProcessSnapshot::Reader snap) {
  for (auto p : snap.getProcesses()) {
    (void)p.getComm();
    (void)p.getExe();
    checkTexts(p.getCmdline());
    (void)p.getCgroup();
  }
}

void check(schema::EventBatch::Reader batch) {
  for (auto ev : batch.getEvents()) {
    (void)ev.getComm();
    switch (ev.which()) {
      case schema::Event::SIGNAL_GENERATE:
        (void)ev.getSignalGenerate().getTargetComm();
        break;
      case schema::Event::EXEC: {
        auto x = ev.getExec();
        (void)x.getFilename();
        checkTexts(x.getArgv());
        break;
      }
      default:
        break;  // no pointers (or a member from a newer version, never read)
    }
  }
  (void)batch.getLosses();
}

void check(schema::Trailer::Reader t) {
  (void)t.getCounters();
  (void)t.getStopReason();
}

void checkMessage(FrameType type, capnp::MessageReader& message) {
  switch (type) {
    case FrameType::kInfo:
      return check(message.getRoot<schema::CaptureInfo>());
    case FrameType::kSnapshot:
      return check(message.getRoot<schema::ProcessSnapshot>());
    case FrameType::kEvents:
      return check(message.getRoot<schema::EventBatch>());
    case FrameType::kTrailer:
      return check(message.getRoot<schema::Trailer>());
  }
  KJ_FAIL_REQUIRE("unknown frame type");
}

}  // namespace

Frame::Frame(FrameType type, uint64_t offset, std::vector<uint8_t> message, bool flat)
    : type_(type), offset_(offset) {
  // Decode once, then check the whole message now, so that bad pointers,
  // loops and excess nesting fail here, as one frame's damage, rather than
  // deep in a caller. The check reads through a reader of its own over the
  // same segments: the traversal limit is counted per reader, and the
  // caller's reads must not find it used up.
  decoded_ = std::make_unique<Decoded>(std::move(message), flat);
  std::vector<kj::ArrayPtr<const capnp::word>> segments;
  for (uint id = 0;; ++id) {
    kj::ArrayPtr<const capnp::word> segment = decoded_->reader->getSegment(id);
    if (segment.begin() == nullptr) break;
    segments.push_back(segment);
  }
  capnp::SegmentArrayMessageReader check(
      kj::ArrayPtr<const kj::ArrayPtr<const capnp::word>>(segments.data(), segments.size()),
      capnp::ReaderOptions{kTraversalLimitWords, kNestingLimit});
  // Every pointer, known to the schema or not: loops, amplification, far
  // pointers to nowhere, nesting.
  check.getRoot<capnp::AnyPointer>().targetSize();
  checkMessage(type, check);
}
Frame::Frame(Frame&&) noexcept = default;
Frame& Frame::operator=(Frame&&) noexcept = default;
Frame::~Frame() = default;
capnp::MessageReader& Frame::message() {
  return *decoded_->reader;
}

namespace {

uint16_t le16(const uint8_t* p) {
  return uint16_t(p[0] | p[1] << 8);
}

}  // namespace

CaptureReader::CaptureReader(const std::filesystem::path& path) : path_(path) {
  // O_NONBLOCK: opening a named pipe must not wait for a writer (it is then
  // refused as not a regular file); reads of regular files ignore the flag.
  fd_.reset(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK));
  if (!fd_) throw CaptureError("cannot open " + path.string() + ": " + std::strerror(errno));
  struct stat st {};
  if (::fstat(fd_.get(), &st) != 0 || !S_ISREG(st.st_mode)) {
    throw CaptureError(path.string() + ": not a regular file");
  }
  fileSize_ = static_cast<uint64_t>(st.st_size);
  uint8_t header[kFileHeaderBytes];
  if (fileSize_ < kFileHeaderBytes || !readAt(0, header, sizeof header) ||
      !std::equal(kFileMagic.begin(), kFileMagic.end(), header)) {
    throw CaptureError(path.string() + ": not a sigrec capture (no capture header at offset 0)");
  }
  major_ = le16(header + 8);
  minor_ = le16(header + 10);
  if (major_ < kOldestReadableMajor || major_ > kFormatMajor) {
    throw CaptureError(path.string() + ": capture format " + std::to_string(major_) + "." +
                       std::to_string(minor_) + " is not supported by this version (reads " +
                       std::to_string(kOldestReadableMajor) + ".x to " +
                       std::to_string(kFormatMajor) + ".x); use a newer sigan");
  }
  offset_ = kFileHeaderBytes;
}

bool CaptureReader::looksLikeCapture(const std::filesystem::path& file) {
  UniqueFd fd(::open(file.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK));
  uint8_t magic[kFileMagic.size()];
  return fd && ::pread(fd.get(), magic, sizeof magic, 0) == ssize_t(sizeof magic) &&
         std::equal(kFileMagic.begin(), kFileMagic.end(), magic);
}

bool CaptureReader::readAt(uint64_t offset, void* buffer, size_t size) {
  auto* out = static_cast<uint8_t*>(buffer);
  while (size > 0) {
    ssize_t n = ::pread(fd_.get(), out, size, static_cast<off_t>(offset));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    out += n;
    offset += static_cast<uint64_t>(n);
    size -= static_cast<size_t>(n);
  }
  return true;
}

std::optional<Frame> CaptureReader::next() {
  while (offset_ < fileSize_) {
    uint64_t end = 0;
    std::string error;
    std::optional<Frame> frame = tryFrameAt(offset_, &end, &error);
    if (error.empty()) {
      offset_ = end;
      if (frame) return frame;
      continue;  // a frame type from a newer minor version
    }
    uint64_t resume = end != 0 ? end : findNextMarker(offset_ + 1);
    bool truncation = resume >= fileSize_ && error.find("truncated") != std::string::npos;
    damage_.push_back({offset_, resume - offset_, error, truncation});
    offset_ = resume;
  }
  return std::nullopt;
}

// Reads and decodes the frame at OFFSET. On success sets *END past it. On
// failure sets *ERROR and, when the frame's boundaries could be trusted (the
// checksum matched), *END past it; otherwise leaves *END at 0.
std::optional<Frame> CaptureReader::tryFrameAt(uint64_t offset, uint64_t* end, std::string* error) {
  uint8_t headerBytes[kFrameHeaderBytes];
  uint64_t left = fileSize_ - offset;
  if (left < kFrameHeaderBytes) {
    *error = "truncated frame header (" + std::to_string(left) + " bytes left)";
    return std::nullopt;
  }
  if (!readAt(offset, headerBytes, sizeof headerBytes)) {
    *error = std::string("read error: ") + std::strerror(errno);
    return std::nullopt;
  }
  auto parsed = parseFrameHeader(headerBytes);
  if (auto* why = std::get_if<std::string>(&parsed)) {
    *error = *why;
    return std::nullopt;
  }
  const FrameHeader& header = std::get<FrameHeader>(parsed);
  if (header.storedBytes > left - kFrameHeaderBytes) {
    *error = "truncated frame (declares " + std::to_string(header.storedBytes) + " bytes, " +
             std::to_string(left - kFrameHeaderBytes) + " left)";
    return std::nullopt;
  }
  std::vector<uint8_t> payload(header.storedBytes);
  if (!readAt(offset + kFrameHeaderBytes, payload.data(), payload.size())) {
    *error = std::string("read error: ") + std::strerror(errno);
    return std::nullopt;
  }
  auto decoded = decodePayload(headerBytes, header, payload);
  if (auto* why = std::get_if<std::string>(&decoded)) {
    *error = *why;
    if (*why != "checksum mismatch") *end = offset + kFrameHeaderBytes + header.storedBytes;
    return std::nullopt;
  }
  *end = offset + kFrameHeaderBytes + header.storedBytes;
  auto type = header.type;
  if (type < FrameType::kInfo || type > FrameType::kTrailer) return std::nullopt;
  try {
    return Frame(type, offset, std::move(std::get<std::vector<uint8_t>>(decoded)),
                 (header.flags & kFrameFlagFlat) != 0);
  } catch (const kj::Exception& e) {
    *error = std::string("invalid ") + std::string(frameTypeName(type)) +
             " message: " + e.getDescription().cStr();
    return std::nullopt;
  }
}

// Scans forward for the next frame marker; returns the file size if none.
uint64_t CaptureReader::findNextMarker(uint64_t from) {
  constexpr size_t kChunk = 1 << 20;
  if (from >= fileSize_) return fileSize_;
  // Sized to what is left: a damaged small file must not cost 1 MiB per resync.
  std::vector<uint8_t> buffer(
      static_cast<size_t>(std::min<uint64_t>(kChunk + 3, fileSize_ - from)));
  uint8_t marker[4];
  std::memcpy(marker, &kFrameMagic, 4);  // little-endian hosts only (x86_64, arm64)
  for (uint64_t pos = from; pos < fileSize_; pos += kChunk) {
    size_t want = static_cast<size_t>(std::min<uint64_t>(kChunk + 3, fileSize_ - pos));
    if (!readAt(pos, buffer.data(), want)) return fileSize_;
    auto it = std::search(buffer.begin(), buffer.begin() + want, marker, marker + 4);
    if (it != buffer.begin() + want) return pos + static_cast<uint64_t>(it - buffer.begin());
  }
  return fileSize_;
}

}  // namespace sigrec::capture
