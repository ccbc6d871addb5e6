// Encoding and decoding of one frame: a Cap'n Proto message, packed, then
// zstd-compressed, behind a 20-byte header with a CRC-32 (docs/capture-format.md).
#pragma once

#include <capnp/message.h>

#include <cstdint>
#include <string>
#include <variant>
#include <vector>

#include "schema/format.h"

namespace sigrec::capture {

struct FrameHeader {
  FrameType type;
  uint8_t flags;
  uint32_t storedBytes;  // payload bytes that follow the header
  uint32_t rawBytes;     // message bytes once decompressed (flat, or packed in 1.x)
  uint32_t crc;          // CRC-32 of header bytes 4..16 and the payload
};

using Segments = kj::ArrayPtr<const kj::ArrayPtr<const capnp::word>>;

// Serializes MESSAGE (or the message made of SEGMENTS) as a complete frame,
// header included: flat Cap'n Proto, zstd-compressed unless that is larger.
std::vector<uint8_t> encodeFrame(FrameType type, capnp::MessageBuilder& message, int zstdLevel);
std::vector<uint8_t> encodeFrame(FrameType type, Segments segments, int zstdLevel);

// Parses the fixed header; a string explains why the bytes are not one.
std::variant<FrameHeader, std::string> parseFrameHeader(const uint8_t* bytes);

// Checks the CRC and decompresses the payload into packed Cap'n Proto bytes;
// a string explains what is wrong with it.
std::variant<std::vector<uint8_t>, std::string> decodePayload(const uint8_t* headerBytes,
                                                              const FrameHeader& header,
                                                              const std::vector<uint8_t>& payload);

std::vector<uint8_t> encodeFileHeader();

}  // namespace sigrec::capture
