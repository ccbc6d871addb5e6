// Constants of the capture file framing (docs/capture-format.md). The records
// inside the frames are defined in capture.capnp.
#pragma once

#include <array>
#include <cstdint>
#include <string_view>

namespace sigrec::capture {

// PNG-style magic: the high byte and the newline catch 7-bit and text-mode
// transfers that would corrupt the file.
inline constexpr std::array<uint8_t, 8> kFileMagic = {0x89, 'S', 'I', 'G', 'R', 'E', 'C', '\n'};
inline constexpr uint16_t kFormatMajor = 2;  // bumped only for changes old readers cannot skip
inline constexpr uint16_t kFormatMinor = 0;
// Readers accept every major from this one to kFormatMajor.
inline constexpr uint16_t kOldestReadableMajor = 1;
inline constexpr size_t kFileHeaderBytes = 16;

// Every frame starts with this marker so a reader can find the next whole
// frame after a damaged one.
inline constexpr uint32_t kFrameMagic = 0x52465253;  // "SRFR" little-endian
inline constexpr size_t kFrameHeaderBytes = 20;

enum class FrameType : uint8_t {
  kInfo = 1,      // schema::CaptureInfo
  kSnapshot = 2,  // schema::ProcessSnapshot
  kEvents = 3,    // schema::EventBatch
  kTrailer = 4,   // schema::Trailer
};

inline constexpr uint8_t kFrameFlagZstd = 1;
// The message is flat (the standard Cap'n Proto serialization), not packed.
// Written since 2.0; 1.x frames are packed. zstd alone compresses the flat
// form smaller than packing then zstd, at a fraction of packing's CPU.
inline constexpr uint8_t kFrameFlagFlat = 2;
inline constexpr uint8_t kKnownFrameFlags = kFrameFlagZstd | kFrameFlagFlat;

// Caps that make hostile files harmless: no frame may make the reader
// allocate more than this, and Cap'n Proto traversal is bounded likewise.
inline constexpr uint32_t kMaxFrameBytes = 64u << 20;
inline constexpr uint64_t kTraversalLimitWords = uint64_t{kMaxFrameBytes} / 8 * 2;
inline constexpr int kNestingLimit = 16;

std::string_view frameTypeName(FrameType type);

}  // namespace sigrec::capture
