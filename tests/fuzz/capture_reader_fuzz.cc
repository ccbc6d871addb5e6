// libFuzzer target: the input is a whole capture file. The reader must never
// crash, hang or let an exception other than CaptureError (from opening)
// escape, and every frame it returns must be readable whole.
#include <capnp/dynamic.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "schema/capture_error.h"
#include "tests/fuzz/fuzz_input.h"
#include "schema/capture_reader.h"

namespace {

using sigrec::capture::CaptureError;
using sigrec::capture::CaptureReader;
using sigrec::capture::Frame;
using sigrec::capture::FrameType;
namespace schema = sigrec::schema;

// Reads every field of a root through the schema, as a consumer would. A
// tiny frame may legally hold a list of millions of empty structs (each counts
// one word against the traversal limit); past kListSample elements only the
// first and last ones are read, so one input stays well under the timeout.
constexpr unsigned kListSample = 4096;

uint64_t walkValue(capnp::DynamicValue::Reader value);

uint64_t walkStruct(capnp::DynamicStruct::Reader s) {
  uint64_t sum = 0;
  for (auto field : s.getSchema().getNonUnionFields()) sum += walkValue(s.get(field));
  KJ_IF_MAYBE (field, s.which()) {
    sum += walkValue(s.get(*field));
  }
  return sum;
}

uint64_t walkValue(capnp::DynamicValue::Reader value) {
  switch (value.getType()) {
    case capnp::DynamicValue::BOOL:
      return value.as<bool>();
    case capnp::DynamicValue::INT:
      return static_cast<uint64_t>(value.as<int64_t>());
    case capnp::DynamicValue::UINT:
      return value.as<uint64_t>();
    case capnp::DynamicValue::TEXT:
      return value.as<capnp::Text>().size();
    case capnp::DynamicValue::ENUM:
      return value.as<capnp::DynamicEnum>().getRaw();
    case capnp::DynamicValue::STRUCT:
      return walkStruct(value.as<capnp::DynamicStruct>());
    case capnp::DynamicValue::LIST: {
      auto list = value.as<capnp::DynamicList>();
      uint64_t sum = list.size();
      for (unsigned i = 0; i < list.size(); ++i) {
        if (i == kListSample / 2 && list.size() > kListSample) i = list.size() - kListSample / 2;
        sum += walkValue(list[i]);
      }
      return sum;
    }
    default:
      return 0;
  }
}

uint64_t walk(Frame& frame) {
  switch (frame.type()) {
    case FrameType::kInfo:
      return walkStruct(capnp::toDynamic(frame.root<schema::CaptureInfo>()));
    case FrameType::kSnapshot:
      return walkStruct(capnp::toDynamic(frame.root<schema::ProcessSnapshot>()));
    case FrameType::kEvents:
      return walkStruct(capnp::toDynamic(frame.root<schema::EventBatch>()));
    case FrameType::kTrailer:
      return walkStruct(capnp::toDynamic(frame.root<schema::Trailer>()));
  }
  std::abort();  // the reader returned a frame type it does not know
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string& path = sigrec::fuzz::inputPath(data, size);
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
