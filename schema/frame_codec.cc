#include "schema/frame_codec.h"

#include <capnp/serialize.h>
#include <zlib.h>
#include <zstd.h>

#include <algorithm>
#include <cstring>
#include <memory>

#include "schema/capture_error.h"

namespace sigrec::capture {
namespace {

void putLe16(uint8_t* p, uint16_t v) {
  p[0] = v & 0xff;
  p[1] = v >> 8;
}
void putLe32(uint8_t* p, uint32_t v) {
  for (int i = 0; i < 4; ++i) p[i] = (v >> (8 * i)) & 0xff;
}
uint32_t getLe32(const uint8_t* p) {
  return uint32_t(p[0]) | uint32_t(p[1]) << 8 | uint32_t(p[2]) << 16 | uint32_t(p[3]) << 24;
}

// The CRC covers the type, flags and both lengths as well as the payload, so
// a flipped length is caught before it is trusted.
uint32_t frameCrc(const uint8_t* header, const uint8_t* payload, size_t size) {
  uLong crc = crc32(0L, Z_NULL, 0);
  crc = crc32(crc, header + 4, 12);
  return crc32(crc, payload, static_cast<uInt>(size));
}

struct ZstdCctxDeleter {
  void operator()(ZSTD_CCtx* c) const { ZSTD_freeCCtx(c); }
};

}  // namespace

std::string_view frameTypeName(FrameType type) {
  switch (type) {
    case FrameType::kInfo:
      return "info";
    case FrameType::kSnapshot:
      return "snapshot";
    case FrameType::kEvents:
      return "events";
    case FrameType::kTrailer:
      return "trailer";
  }
  return "unknown";
}

std::vector<uint8_t> encodeFileHeader() {
  std::vector<uint8_t> out(kFileHeaderBytes, 0);
  std::memcpy(out.data(), kFileMagic.data(), kFileMagic.size());
  putLe16(out.data() + 8, kFormatMajor);
  putLe16(out.data() + 10, kFormatMinor);
  return out;
}

namespace {

// The message in Cap'n Proto's standard stream framing (segment table, then
// the segments), written by capnp into BUFFER, which only ever grows:
// rewriting warm memory is cheap, where a fresh multi-megabyte array per
// batch cost a page fault per 4 KiB. Returns its size in bytes.
size_t flatten(Segments segments, std::vector<uint8_t>& buffer) {
  size_t bytes = capnp::computeSerializedSizeInWords(segments) * sizeof(capnp::word);
  if (bytes > kMaxFrameBytes) throw CaptureError("frame too large to encode");
  if (buffer.size() < bytes) buffer.resize(bytes);
  kj::ArrayOutputStream out(kj::arrayPtr(buffer.data(), bytes));
  capnp::writeMessage(out, segments);
  return bytes;
}

}  // namespace

std::vector<uint8_t> encodeFrame(FrameType type, Segments segments, int zstdLevel) {
  // Per thread and reused: the recorder encodes batches on one thread.
  thread_local std::vector<uint8_t> flat;
  thread_local std::vector<uint8_t> compressed;
  thread_local std::unique_ptr<ZSTD_CCtx, ZstdCctxDeleter> cctx(ZSTD_createCCtx());
  size_t rawSize = flatten(segments, flat);
  compressed.resize(std::max(compressed.size(), ZSTD_compressBound(rawSize)));
  size_t stored = ZSTD_compressCCtx(cctx.get(), compressed.data(), compressed.size(), flat.data(),
                                    rawSize, zstdLevel);
  uint8_t flags = kFrameFlagFlat | kFrameFlagZstd;
  const uint8_t* payload = compressed.data();
  if (ZSTD_isError(stored) || stored >= rawSize) {
    payload = flat.data();
    stored = rawSize;
    flags = kFrameFlagFlat;
  }
  std::vector<uint8_t> out(kFrameHeaderBytes + stored);
  std::memcpy(out.data() + kFrameHeaderBytes, payload, stored);
  uint8_t* h = out.data();
  putLe32(h, kFrameMagic);
  h[4] = static_cast<uint8_t>(type);
  h[5] = flags;
  putLe16(h + 6, 0);
  putLe32(h + 8, static_cast<uint32_t>(stored));
  putLe32(h + 12, static_cast<uint32_t>(rawSize));
  putLe32(h + 16, frameCrc(h, h + kFrameHeaderBytes, stored));
  return out;
}

std::vector<uint8_t> encodeFrame(FrameType type, capnp::MessageBuilder& message, int zstdLevel) {
  return encodeFrame(type, message.getSegmentsForOutput(), zstdLevel);
}

std::variant<FrameHeader, std::string> parseFrameHeader(const uint8_t* bytes) {
  if (getLe32(bytes) != kFrameMagic) return std::string("no frame marker");
  FrameHeader h{static_cast<FrameType>(bytes[4]), bytes[5], getLe32(bytes + 8), getLe32(bytes + 12),
                getLe32(bytes + 16)};
  if (h.storedBytes > kMaxFrameBytes || h.rawBytes > kMaxFrameBytes) {
    return "frame declares " + std::to_string(std::max(h.storedBytes, h.rawBytes)) +
           " bytes, above the limit of " + std::to_string(kMaxFrameBytes);
  }
  if (h.flags & ~kKnownFrameFlags) return std::string("unknown frame flags");
  if ((h.flags & kFrameFlagFlat) && h.rawBytes % sizeof(capnp::word) != 0) {
    return std::string("flat frame length is not a whole number of words");
  }
  if (!(h.flags & kFrameFlagZstd) && h.storedBytes != h.rawBytes) {
    return std::string("uncompressed frame with inconsistent lengths");
  }
  return h;
}

std::variant<std::vector<uint8_t>, std::string> decodePayload(const uint8_t* headerBytes,
                                                              const FrameHeader& header,
                                                              const std::vector<uint8_t>& payload) {
#ifndef FUZZING_BUILD_MODE_UNSAFE_FOR_PRODUCTION
  if (frameCrc(headerBytes, payload.data(), payload.size()) != header.crc) {
    return std::string("checksum mismatch");
  }
#else
  // Fuzz builds only (tests/fuzz): a fuzzer cannot forge CRCs, and must get
  // past them to reach the decompressor and the Cap'n Proto checks.
  (void)headerBytes;
#endif
  if (!(header.flags & kFrameFlagZstd)) return payload;
  // Checked before allocating: a frame that lies about its size costs nothing.
  if (ZSTD_getFrameContentSize(payload.data(), payload.size()) != header.rawBytes) {
    return std::string("zstd frame size differs from the header");
  }
  std::vector<uint8_t> raw(header.rawBytes);
  size_t n = ZSTD_decompress(raw.data(), raw.size(), payload.data(), payload.size());
  if (ZSTD_isError(n)) return std::string("zstd: ") + ZSTD_getErrorName(n);
  if (n != header.rawBytes) return std::string("decompressed size differs from the header");
  return raw;
}

}  // namespace sigrec::capture
