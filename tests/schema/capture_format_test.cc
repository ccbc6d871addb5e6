// Tests of the capture file library (schema/): round trips, and the reader on
// truncated, corrupted and hostile files (docs/capture-format.md).
#include <capnp/dynamic.h>
#include <capnp/message.h>
#include <capnp/serialize-packed.h>
#include <capnp/serialize.h>
#include <fcntl.h>
#include <grp.h>
#include <gtest/gtest.h>
#include <kj/io.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "schema/capture.capnp.h"
#include "schema/capture_error.h"
#include "schema/capture_reader.h"
#include "schema/capture_writer.h"
#include "schema/format.h"
#include "schema/frame_codec.h"
#include "tests/support/capture_builder.h"
#include "tests/support/temp_dir.h"

namespace sigrec::capture {
namespace {

namespace fs = std::filesystem;
using Bytes = std::vector<uint8_t>;
using sigrec::testing::TempDir;

// ---- helpers ---------------------------------------------------------------

void writeBytes(const fs::path& path, const Bytes& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(reinterpret_cast<const char*>(bytes.data()),
            static_cast<std::streamsize>(bytes.size()));
  ASSERT_TRUE(out.good()) << path;
}

Bytes readBytes(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return Bytes(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

// An independent CRC-32 (IEEE, as zlib's crc32) so the tests check the
// documented format, not the library against itself.
uint32_t crc32(const uint8_t* p, size_t n, uint32_t crc = 0) {
  crc = ~crc;
  for (size_t i = 0; i < n; ++i) {
    crc ^= p[i];
    for (int k = 0; k < 8; ++k) crc = (crc >> 1) ^ (0xEDB88320u & (0u - (crc & 1)));
  }
  return ~crc;
}

void putLe16(Bytes& b, size_t at, uint16_t v) {
  b[at] = v & 0xff;
  b[at + 1] = v >> 8;
}
void putLe32(Bytes& b, size_t at, uint32_t v) {
  for (int i = 0; i < 4; ++i) b[at + i] = (v >> (8 * i)) & 0xff;
}

Bytes fileHeader(uint16_t major = kFormatMajor, uint16_t minor = kFormatMinor) {
  Bytes b(kFileHeaderBytes, 0);
  std::copy(kFileMagic.begin(), kFileMagic.end(), b.begin());
  putLe16(b, 8, major);
  putLe16(b, 10, minor);
  return b;
}

// A frame built by hand from the documented layout, with a valid CRC unless
// the caller damages it afterwards.
Bytes rawFrame(uint8_t type, const Bytes& payload, uint8_t flags = 0,
               std::optional<uint32_t> rawBytes = std::nullopt,
               std::optional<uint32_t> storedBytes = std::nullopt) {
  Bytes b(kFrameHeaderBytes, 0);
  putLe32(b, 0, kFrameMagic);
  b[4] = type;
  b[5] = flags;
  putLe32(b, 8, storedBytes.value_or(static_cast<uint32_t>(payload.size())));
  putLe32(b, 12, rawBytes.value_or(static_cast<uint32_t>(payload.size())));
  b.insert(b.end(), payload.begin(), payload.end());
  uint32_t crc = crc32(b.data() + 4, 12);
  crc = crc32(payload.data(), payload.size(), crc);
  putLe32(b, 16, crc);
  return b;
}

// Packs one hand-made segment (with its segment table) as a frame payload.
Bytes packSegment(const std::vector<uint64_t>& words) {
  std::vector<capnp::word> segment(words.size());
  std::memcpy(static_cast<void*>(segment.data()), words.data(), words.size() * 8);
  kj::ArrayPtr<const capnp::word> seg(segment.data(), segment.size());
  kj::VectorOutputStream out;
  capnp::writePackedMessage(out, kj::arrayPtr(&seg, 1));
  auto a = out.getArray();
  return Bytes(a.begin(), a.end());
}

// Packs raw message bytes (a multiple of 8) as the writer would.
Bytes packBytes(const Bytes& unpacked) {
  kj::VectorOutputStream out;
  {
    capnp::_::PackedOutputStream packer(out);
    packer.write(unpacked.data(), unpacked.size());
  }
  auto a = out.getArray();
  return Bytes(a.begin(), a.end());
}

// Cap'n Proto pointer encodings (capnp encoding spec).
uint64_t structPtr(int32_t offsetWords, uint16_t dataWords, uint16_t ptrCount) {
  return (static_cast<uint64_t>(static_cast<uint32_t>(offsetWords) << 2)) |
         static_cast<uint64_t>(dataWords) << 32 | static_cast<uint64_t>(ptrCount) << 48;
}
uint64_t farPtr(uint32_t padOffsetWords, uint32_t segmentId, bool doubleFar = false) {
  return 2u | (doubleFar ? 4u : 0u) | static_cast<uint64_t>(padOffsetWords) << 3 |
         static_cast<uint64_t>(segmentId) << 32;
}

// Sets every field of B (recursively, groups and lists included) to a
// distinctive non-default value; UNIONMEMBER picks the member of an unnamed
// union. Written against the schema, so fields added later are covered too.
void fillStruct(capnp::DynamicStruct::Builder b, uint64_t& n, unsigned unionMember = 0);

capnp::DynamicValue::Reader scalar(capnp::Type type, uint64_t& n, std::string& text) {
  ++n;
  using W = capnp::schema::Type::Which;
  switch (type.which()) {
    case W::BOOL:
      return true;
    case W::INT8:
      return static_cast<int8_t>(-static_cast<int>(n % 100) - 1);
    case W::INT16:
      return static_cast<int16_t>(-1000 - static_cast<int>(n));
    case W::INT32:
      return static_cast<int32_t>(-1000000 - static_cast<int32_t>(n));
    case W::INT64:
      return static_cast<int64_t>(INT64_MIN + static_cast<int64_t>(n));
    case W::UINT8:
      return static_cast<uint8_t>(200 + n % 50);
    case W::UINT16:
      return static_cast<uint16_t>(60000 + n % 5000);
    case W::UINT32:
      return static_cast<uint32_t>(0x80000000u + n);
    case W::UINT64:
      return static_cast<uint64_t>(0x8000000000000000ull + n);
    case W::FLOAT32:
      return static_cast<float>(n) + 0.5f;
    case W::FLOAT64:
      return static_cast<double>(n) + 0.25;
    case W::TEXT:
      text = "t" + std::to_string(n) + " \xc3\xa9 -- spaces and 'quotes'";
      return capnp::Text::Reader(text.c_str());
    case W::ENUM: {
      auto enumerants = type.asEnum().getEnumerants();
      return capnp::DynamicEnum(enumerants[enumerants.size() - 1]);  // never the default
    }
    default:
      throw std::logic_error("unexpected scalar type in schema");
  }
}

void fillField(capnp::DynamicStruct::Builder b, capnp::StructSchema::Field f, uint64_t& n,
               unsigned unionMember) {
  if (f.getProto().isGroup()) {
    fillStruct(b.init(f).as<capnp::DynamicStruct>(), n, unionMember);
    return;
  }
  capnp::Type type = f.getType();
  std::string text;
  if (type.isStruct()) {
    fillStruct(b.init(f).as<capnp::DynamicStruct>(), n, unionMember);
  } else if (type.isList()) {
    capnp::Type element = type.asList().getElementType();
    // A struct list holds one element per union member, so that a list of
    // events has every kind of event.
    unsigned count = 3;
    if (element.isStruct()) {
      count = std::max<unsigned>(count, element.asStruct().getUnionFields().size());
    }
    auto list = b.init(f, count).as<capnp::DynamicList>();
    for (unsigned i = 0; i < count; ++i) {
      if (element.isStruct()) {
        fillStruct(list[i].as<capnp::DynamicStruct>(), n, i);
      } else {
        list.set(i, scalar(element, n, text));
      }
    }
  } else {
    b.set(f, scalar(type, n, text));
  }
}

void fillStruct(capnp::DynamicStruct::Builder b, uint64_t& n, unsigned unionMember) {
  auto schema = b.getSchema();
  for (auto f : schema.getNonUnionFields()) fillField(b, f, n, 0);
  auto members = schema.getUnionFields();
  if (members.size() > 0) fillField(b, members[unionMember % members.size()], n, 0);
}

// Every field readable in R holds a non-default value (so the round trip
// really carried it) — the active union member included.
void expectAllFieldsSet(capnp::DynamicStruct::Reader r, const std::string& where) {
  auto check = [&](capnp::StructSchema::Field f) {
    std::string name = where + "." + f.getProto().getName().cStr();
    if (f.getProto().isGroup()) {
      expectAllFieldsSet(r.get(f).as<capnp::DynamicStruct>(), name);
      return;
    }
    EXPECT_TRUE(r.has(f, capnp::HasMode::NON_DEFAULT)) << name << " lost in the round trip";
    capnp::Type type = f.getType();
    if (type.isStruct()) expectAllFieldsSet(r.get(f).as<capnp::DynamicStruct>(), name);
    if (type.isList() && type.asList().getElementType().isStruct()) {
      auto list = r.get(f).as<capnp::DynamicList>();
      for (unsigned i = 0; i < list.size(); ++i) {
        expectAllFieldsSet(list[i].as<capnp::DynamicStruct>(),
                           name + "[" + std::to_string(i) + "]");
      }
    }
  };
  for (auto f : r.getSchema().getNonUnionFields()) check(f);
  KJ_IF_MAYBE (member, r.which()) {
    check(*member);
  }
}

// Reads every frame of PATH and walks its whole typed root.
struct ReadResult {
  std::vector<FrameType> types;
  std::vector<uint64_t> offsets;
  std::vector<std::string> text;  // each frame's root, as Cap'n Proto text
  std::vector<Damage> damage;
};

std::string rootText(Frame& frame) {
  switch (frame.type()) {
    case FrameType::kInfo:
      return kj::str(frame.root<schema::CaptureInfo>()).cStr();
    case FrameType::kSnapshot:
      return kj::str(frame.root<schema::ProcessSnapshot>()).cStr();
    case FrameType::kEvents:
      return kj::str(frame.root<schema::EventBatch>()).cStr();
    case FrameType::kTrailer:
      return kj::str(frame.root<schema::Trailer>()).cStr();
  }
  return "?";
}

ReadResult readAll(const fs::path& path) {
  ReadResult result;
  CaptureReader reader(path);
  while (auto frame = reader.next()) {
    result.types.push_back(frame->type());
    result.offsets.push_back(frame->offset());
    result.text.push_back(rootText(*frame));
  }
  result.damage = reader.damage();
  return result;
}

std::string describe(const std::vector<Damage>& damage) {
  std::string s;
  for (const auto& d : damage) {
    s += "[offset " + std::to_string(d.offset) + " +" + std::to_string(d.bytes) + ": " + d.what +
         (d.truncation ? " (truncation)" : "") + "] ";
  }
  return s;
}

template <typename T>
std::string textOf(capnp::MallocMessageBuilder& m) {
  return kj::str(m.getRoot<T>().asReader()).cStr();
}

// A small capture of every frame type: the layout the truncation and
// bit-flip tests cut up. Frame i spans [bounds[i], bounds[i+1]).
struct SmallCapture {
  Bytes bytes;
  std::vector<uint64_t> bounds;
  std::vector<FrameType> types;
  std::vector<std::string> text;
};

SmallCapture makeSmallCapture(const fs::path& path) {
  testing::CaptureBuilder b;
  b.hostname = "host";
  b.eventsPerBatch = 2;
  // Repetitive, so zstd shrinks it.
  for (uint32_t i = 0; i < 12; ++i) {
    b.process({100 + i, 1, 0, "worker", "/usr/bin/worker", {"/usr/bin/worker", "--threads=4"}});
  }
  const testing::Task task{42};
  for (uint64_t batch = 0; batch < 2; ++batch) {
    b.killCall(1000 + batch, task, schema::Syscall::KILL, 0, -3, {-42, 15}, 0)
        .exit(2000 + batch, task, 9);
  }
  SmallCapture c;
  c.bounds.push_back(kFileHeaderBytes);
  b.write(path, [&](FrameType type, capnp::MessageBuilder& m, uint64_t end) {
    auto flat = capnp::messageToFlatArray(m);
    Frame written(type, c.bounds.back(), Bytes(flat.asBytes().begin(), flat.asBytes().end()), true);
    c.text.push_back(rootText(written));
    c.types.push_back(type);
    c.bounds.push_back(end);
  });
  c.bytes = readBytes(path);
  return c;
}

void expectCaptureError(const fs::path& path, const std::string& needle) {
  try {
    CaptureReader reader(path);
    ADD_FAILURE() << path << ": opened, expected an error containing '" << needle << "'";
  } catch (const CaptureError& e) {
    EXPECT_NE(std::string(e.what()).find(needle), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find(path.string()), std::string::npos)
        << "the message names the file: " << e.what();
  }
}

// ---- round trips -----------------------------------------------------------

template <typename T>
void roundTripEveryField(FrameType type) {
  TempDir dir;
  capnp::MallocMessageBuilder m;
  uint64_t n = 0;
  fillStruct(capnp::toDynamic(m.initRoot<T>()), n);
  std::string expected = textOf<T>(m);
  {
    CaptureWriter writer(dir / "c.sigrec");
    writer.write(type, m);
    writer.sync();
  }
  CaptureReader reader(dir / "c.sigrec");
  EXPECT_EQ(reader.formatMajor(), kFormatMajor);
  EXPECT_EQ(reader.formatMinor(), kFormatMinor);
  auto frame = reader.next();
  ASSERT_TRUE(frame);
  EXPECT_EQ(frame->type(), type);
  EXPECT_EQ(frame->offset(), kFileHeaderBytes);
  auto root = frame->root<T>();
  EXPECT_EQ(std::string(kj::str(root).cStr()), expected);
  expectAllFieldsSet(capnp::toDynamic(root), std::string(frameTypeName(type)));
  EXPECT_FALSE(reader.next());
  EXPECT_TRUE(reader.damage().empty()) << describe(reader.damage());
}

TEST(CaptureRoundTrip, InfoEveryField) {
  roundTripEveryField<schema::CaptureInfo>(FrameType::kInfo);
}
TEST(CaptureRoundTrip, SnapshotEveryField) {
  roundTripEveryField<schema::ProcessSnapshot>(FrameType::kSnapshot);
}
TEST(CaptureRoundTrip, TrailerEveryField) {
  roundTripEveryField<schema::Trailer>(FrameType::kTrailer);
}
// One event per union member (signalGenerate ... oomVictim), every field set.
TEST(CaptureRoundTrip, EventBatchEveryEventKindEveryField) {
  roundTripEveryField<schema::EventBatch>(FrameType::kEvents);
  capnp::MallocMessageBuilder m;
  uint64_t n = 0;
  fillStruct(capnp::toDynamic(m.initRoot<schema::EventBatch>()), n);
  auto events = m.getRoot<schema::EventBatch>().getEvents();
  std::set<schema::Event::Which> kinds;
  for (auto e : events) kinds.insert(e.which());
  EXPECT_EQ(kinds.size(), capnp::Schema::from<schema::Event>().getUnionFields().size());
  EXPECT_EQ(kinds.size(), 7u);
}

// The same, written out by hand for the fields whose ranges matter most:
// negative pids, -errno returns, full-width times.
TEST(CaptureRoundTrip, KillCallAndExitValues) {
  TempDir dir;
  capnp::MallocMessageBuilder m;
  auto events = m.initRoot<schema::EventBatch>().initEvents(2);
  events[0].setTimeNs(UINT64_MAX);
  events[0].setComm("sender");
  auto kill = events[0].initKillCall();
  kill.setSyscall(schema::Syscall::RT_TGSIGQUEUEINFO);
  kill.setArg0(-1);
  kill.setArg1(INT64_MIN);
  kill.setArg2(0);
  kill.setArg3(INT64_MAX);
  kill.setRet(-3);
  events[1].initExit().setExitCode(0x8b);  // SIGSEGV with core
  {
    CaptureWriter writer(dir / "c");
    writer.write(FrameType::kEvents, m);
  }
  CaptureReader reader(dir / "c");
  auto frame = reader.next();
  ASSERT_TRUE(frame);
  auto got = frame->root<schema::EventBatch>().getEvents();
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(got[0].getTimeNs(), UINT64_MAX);
  EXPECT_EQ(std::string(got[0].getComm().cStr()), "sender");
  ASSERT_TRUE(got[0].isKillCall());
  EXPECT_EQ(got[0].getKillCall().getSyscall(), schema::Syscall::RT_TGSIGQUEUEINFO);
  EXPECT_EQ(got[0].getKillCall().getArg0(), -1);
  EXPECT_EQ(got[0].getKillCall().getArg1(), INT64_MIN);
  EXPECT_EQ(got[0].getKillCall().getArg3(), INT64_MAX);
  EXPECT_EQ(got[0].getKillCall().getRet(), -3);
  ASSERT_TRUE(got[1].isExit());
  EXPECT_EQ(got[1].getExit().getExitCode(), 0x8b);
}

TEST(CaptureRoundTrip, ManyFrames) {
  TempDir dir;
  constexpr int kFrames = 3000;
  {
    CaptureWriter writer(dir / "c");
    for (int i = 0; i < kFrames; ++i) {
      capnp::MallocMessageBuilder m;
      auto events = m.initRoot<schema::EventBatch>().initEvents(1 + i % 5);
      for (auto e : events) {
        e.setTimeNs(static_cast<uint64_t>(i));
        e.initFork().setChildPid(static_cast<uint32_t>(i));
      }
      writer.write(FrameType::kEvents, m);
    }
  }
  CaptureReader reader(dir / "c");
  int i = 0;
  uint64_t lastOffset = 0;
  while (auto frame = reader.next()) {
    auto events = frame->root<schema::EventBatch>().getEvents();
    ASSERT_EQ(events.size(), static_cast<unsigned>(1 + i % 5)) << "frame " << i;
    EXPECT_EQ(events[0].getTimeNs(), static_cast<uint64_t>(i));
    EXPECT_EQ(events[0].getFork().getChildPid(), static_cast<uint32_t>(i));
    EXPECT_GT(frame->offset(), lastOffset);
    lastOffset = frame->offset();
    ++i;
  }
  EXPECT_EQ(i, kFrames);
  EXPECT_TRUE(reader.damage().empty()) << describe(reader.damage());
  EXPECT_EQ(reader.offset(), reader.fileSize());
}

// A recorder killed before its clean stop leaves no trailer: every frame is
// still read and nothing is reported as damage (the caller notices the
// missing trailer from the frame types).
TEST(CaptureRoundTrip, NoTrailer) {
  TempDir dir;
  SmallCapture c = makeSmallCapture(dir / "full");
  Bytes cut(c.bytes.begin(), c.bytes.begin() + static_cast<long>(c.bounds[c.bounds.size() - 2]));
  writeBytes(dir / "c", cut);
  ReadResult r = readAll(dir / "c");
  ASSERT_EQ(r.types.size(), c.types.size() - 1);
  EXPECT_EQ(r.types.back(), FrameType::kEvents);
  EXPECT_TRUE(r.damage.empty()) << describe(r.damage);
}

TEST(CaptureRoundTrip, FramesAreFlatAndCompressed) {
  TempDir dir;
  SmallCapture c = makeSmallCapture(dir / "c");
  for (size_t i = 0; i + 1 < c.bounds.size(); ++i) {
    EXPECT_EQ(c.bytes[c.bounds[i] + 5], kFrameFlagFlat | kFrameFlagZstd) << "frame " << i;
  }
  ReadResult r = readAll(dir / "c");
  EXPECT_EQ(r.text, c.text);
  EXPECT_EQ(r.types, c.types);
}

// What zstd cannot shrink is stored as it is, and still decodes.
TEST(CaptureRoundTrip, IncompressibleMessageIsStoredPlain) {
  capnp::MallocMessageBuilder m;
  auto data = m.getRoot<capnp::AnyPointer>().initAs<capnp::Data>(4096);
  std::mt19937 rng(7);
  for (auto& b : data) b = static_cast<kj::byte>(rng());
  std::vector<uint8_t> frame = encodeFrame(FrameType::kEvents, m, 3);
  ASSERT_EQ(frame[5], kFrameFlagFlat);
  auto header = std::get<FrameHeader>(parseFrameHeader(frame.data()));
  EXPECT_EQ(header.storedBytes, header.rawBytes);
  std::vector<uint8_t> payload(frame.begin() + kFrameHeaderBytes, frame.end());
  auto decoded = std::get<std::vector<uint8_t>>(decodePayload(frame.data(), header, payload));
  auto flat = capnp::messageToFlatArray(m);
  EXPECT_TRUE(
      std::equal(decoded.begin(), decoded.end(), flat.asBytes().begin(), flat.asBytes().end()));
}

// Captures of format 1.x (packed frames) stay readable, messages of many
// segments included (the packed reader reads segments after the first
// lazily: found by capture_reader_fuzz).
TEST(CaptureRoundTrip, PackedFramesOfFormatOneAreRead) {
  capnp::MallocMessageBuilder m(8, capnp::AllocationStrategy::FIXED_SIZE);
  auto info = m.initRoot<schema::CaptureInfo>();
  info.setHostname("a-host-name-longer-than-one-segment");
  info.setKernelRelease("6.1.0-packed");
  ASSERT_GT(m.getSegmentsForOutput().size(), 2u);
  kj::VectorOutputStream packed;
  capnp::writePackedMessage(packed, m);
  TempDir dir;
  Bytes b = fileHeader(1, 0);
  Bytes f = rawFrame(1, Bytes(packed.getArray().begin(), packed.getArray().end()));
  b.insert(b.end(), f.begin(), f.end());
  writeBytes(dir / "c", b);
  ReadResult r = readAll(dir / "c");
  EXPECT_TRUE(r.damage.empty()) << describe(r.damage);
  EXPECT_EQ(r.types, std::vector<FrameType>{FrameType::kInfo});
  EXPECT_EQ(r.text, std::vector<std::string>{textOf<schema::CaptureInfo>(m)});
}

// Frame types from a newer minor version are skipped; the frames around them
// are read.
TEST(CaptureVersioning, UnknownFrameTypeSkipped) {
  TempDir dir;
  SmallCapture c = makeSmallCapture(dir / "full");
  Bytes b = fileHeader(kFormatMajor, kFormatMinor + 3);
  Bytes unknown = rawFrame(200, packSegment({structPtr(0, 1, 0), 0x1234}));
  b.insert(b.end(), unknown.begin(), unknown.end());
  b.insert(b.end(), c.bytes.begin() + kFileHeaderBytes, c.bytes.end());
  writeBytes(dir / "c", b);
  CaptureReader reader(dir / "c");
  EXPECT_EQ(reader.formatMinor(), kFormatMinor + 3);
  ReadResult r = readAll(dir / "c");
  EXPECT_EQ(r.types, c.types);
  EXPECT_TRUE(r.damage.empty()) << describe(r.damage);
}

TEST(CaptureVersioning, NewerMajorRefusedWithClearMessage) {
  TempDir dir;
  Bytes b = fileHeader(kFormatMajor + 1, 4);
  writeBytes(dir / "c", b);
  expectCaptureError(dir / "c", std::to_string(kFormatMajor + 1) + ".4");
  expectCaptureError(dir / "c", "newer");
}

// ---- files that are not captures ---------------------------------------------

TEST(CaptureOpen, WrongMagic) {
  TempDir dir;
  SmallCapture c = makeSmallCapture(dir / "full");
  Bytes b = c.bytes;
  b[1] = 'X';
  writeBytes(dir / "c", b);
  expectCaptureError(dir / "c", "not a sigrec capture");
  EXPECT_FALSE(CaptureReader::looksLikeCapture(dir / "c"));
  EXPECT_TRUE(CaptureReader::looksLikeCapture(dir / "full"));
}

TEST(CaptureOpen, TruncatedHeader) {
  TempDir dir;
  Bytes header = fileHeader();
  for (size_t n = 0; n < kFileHeaderBytes; ++n) {
    writeBytes(dir / "c", Bytes(header.begin(), header.begin() + static_cast<long>(n)));
    expectCaptureError(dir / "c", "not a sigrec capture");
  }
}

TEST(CaptureOpen, HeaderOnlyIsAnEmptyCapture) {
  TempDir dir;
  writeBytes(dir / "c", fileHeader());
  ReadResult r = readAll(dir / "c");
  EXPECT_TRUE(r.types.empty());
  EXPECT_TRUE(r.damage.empty());
}

TEST(CaptureOpen, TextFile) {
  TempDir dir;
  std::string text = "this is a text file\nwith several lines, not a capture at all\n";
  writeBytes(dir / "c.txt", Bytes(text.begin(), text.end()));
  expectCaptureError(dir / "c.txt", "not a sigrec capture");
  EXPECT_FALSE(CaptureReader::looksLikeCapture(dir / "c.txt"));
}

TEST(CaptureOpen, EmptyFile) {
  TempDir dir;
  writeBytes(dir / "c", {});
  expectCaptureError(dir / "c", "not a sigrec capture");
  EXPECT_FALSE(CaptureReader::looksLikeCapture(dir / "c"));
}

TEST(CaptureOpen, Directory) {
  TempDir dir;
  expectCaptureError(dir.path(), "not a regular file");
  EXPECT_FALSE(CaptureReader::looksLikeCapture(dir.path()));
}

TEST(CaptureOpen, MissingFile) {
  TempDir dir;
  expectCaptureError(dir / "missing", "No such file or directory");
  EXPECT_FALSE(CaptureReader::looksLikeCapture(dir / "missing"));
}

// A named pipe must be refused at once, not block waiting for a writer.
TEST(CaptureOpen, FifoRefusedWithoutBlocking) {
  TempDir dir;
  ASSERT_EQ(::mkfifo((dir / "fifo").c_str(), 0600), 0) << std::strerror(errno);
  pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    ::alarm(10);  // a blocked open ends the child with SIGALRM
    bool refused = false;
    try {
      CaptureReader reader(dir / "fifo");
    } catch (const CaptureError& e) {
      refused = std::string(e.what()).find("not a regular file") != std::string::npos;
    }
    bool looks = CaptureReader::looksLikeCapture(dir / "fifo");
    ::_exit(refused && !looks ? 0 : 1);
  }
  int status = 0;
  ASSERT_EQ(::waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFEXITED(status)) << "reader blocked on the fifo (status " << status << ")";
  EXPECT_EQ(WEXITSTATUS(status), 0);
}

// Tests run as root, for whom mode 000 means nothing: the check drops to an
// unprivileged user in a child process.
TEST(CaptureOpen, UnreadableFile) {
  TempDir dir;
  makeSmallCapture(dir / "c");
  ASSERT_EQ(::chmod((dir / "c").c_str(), 0), 0);
  ASSERT_EQ(::chmod(dir.path().c_str(), 0755), 0);
  pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    if (::geteuid() == 0 &&
        (::setgroups(0, nullptr) != 0 || ::setgid(65534) != 0 || ::setuid(65534) != 0)) {
      ::_exit(2);
    }
    try {
      CaptureReader reader(dir / "c");
    } catch (const CaptureError& e) {
      ::_exit(std::string(e.what()).find("Permission denied") != std::string::npos ? 0 : 3);
    }
    ::_exit(4);
  }
  int status = 0;
  ASSERT_EQ(::waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFEXITED(status));
  if (WEXITSTATUS(status) == 2) GTEST_SKIP() << "cannot drop privileges to uid 65534";
  EXPECT_EQ(WEXITSTATUS(status), 0) << "1: opened, 3: wrong message";
}

// ---- damaged captures ----------------------------------------------------------

// Cut the file at every byte: no crash, every frame before the cut is
// returned, and the partial frame is reported as a truncation at its offset.
TEST(CaptureDamage, TruncatedAtEveryOffset) {
  TempDir dir;
  SmallCapture c = makeSmallCapture(dir / "full");
  for (size_t cut = 0; cut < c.bytes.size(); ++cut) {
    SCOPED_TRACE("cut at " + std::to_string(cut));
    writeBytes(dir / "c", Bytes(c.bytes.begin(), c.bytes.begin() + static_cast<long>(cut)));
    if (cut < kFileHeaderBytes) {
      expectCaptureError(dir / "c", "not a sigrec capture");
      continue;
    }
    ReadResult r = readAll(dir / "c");
    size_t whole = 0;
    while (whole + 1 < c.bounds.size() && c.bounds[whole + 1] <= cut) ++whole;
    ASSERT_EQ(r.types.size(), whole);
    for (size_t i = 0; i < whole; ++i) {
      EXPECT_EQ(r.offsets[i], c.bounds[i]);
      EXPECT_EQ(r.text[i], c.text[i]);
    }
    if (cut == c.bounds[whole]) {
      EXPECT_TRUE(r.damage.empty()) << describe(r.damage);
      continue;
    }
    ASSERT_FALSE(r.damage.empty());
    EXPECT_EQ(r.damage.front().offset, c.bounds[whole]) << describe(r.damage);
    EXPECT_TRUE(r.damage.back().truncation) << describe(r.damage);
    EXPECT_NE(r.damage.back().what.find("truncated"), std::string::npos) << describe(r.damage);
    EXPECT_EQ(r.damage.back().offset + r.damage.back().bytes, cut);
  }
}

// Flip each byte of the capture in turn: no crash; the frame holding the
// byte is reported by its offset; every other frame is still read whole.
TEST(CaptureDamage, EveryFlippedByte) {
  TempDir dir;
  SmallCapture c = makeSmallCapture(dir / "full");
  for (uint8_t mask : {uint8_t{0xff}, uint8_t{0x01}, uint8_t{0x80}}) {
    for (size_t pos = 0; pos < c.bytes.size(); ++pos) {
      SCOPED_TRACE("byte " + std::to_string(pos) + " ^ " + std::to_string(mask));
      Bytes b = c.bytes;
      b[pos] ^= mask;
      writeBytes(dir / "c", b);
      if (pos < kFileHeaderBytes) {
        if (pos < 8) {
          expectCaptureError(dir / "c", "not a sigrec capture");
        } else if (pos < 10) {
          expectCaptureError(dir / "c", "is not supported");
        } else {  // minor version and reserved bytes: still readable
          ReadResult r = readAll(dir / "c");
          EXPECT_EQ(r.text, c.text);
        }
        continue;
      }
      size_t hit = 0;
      while (c.bounds[hit + 1] <= pos) ++hit;
      ReadResult r = readAll(dir / "c");
      ASSERT_FALSE(r.damage.empty()) << "damage in frame " << hit << " went unnoticed";
      EXPECT_EQ(r.damage.front().offset, c.bounds[hit]) << describe(r.damage);
      for (const auto& d : r.damage) {
        EXPECT_GE(d.offset, c.bounds[hit]) << describe(r.damage);
        EXPECT_LE(d.offset + d.bytes, c.bounds[hit + 1]) << describe(r.damage);
        // A length flipped upwards in the last frame looks like a cut file.
        if (hit + 2 != c.bounds.size()) {
          EXPECT_FALSE(d.truncation) << describe(r.damage);
        }
      }
      std::vector<std::string> expected = c.text;
      expected.erase(expected.begin() + static_cast<long>(hit));
      EXPECT_EQ(r.text, expected);
    }
  }
}

TEST(CaptureDamage, WrongChecksum) {
  TempDir dir;
  SmallCapture c = makeSmallCapture(dir / "full");
  Bytes b = c.bytes;
  b[c.bounds[2] + 16] ^= 0x55;  // the CRC field of the first events frame
  writeBytes(dir / "c", b);
  ReadResult r = readAll(dir / "c");
  ASSERT_EQ(r.damage.size(), 1u) << describe(r.damage);
  EXPECT_EQ(r.damage[0].offset, c.bounds[2]);
  EXPECT_EQ(r.damage[0].bytes, c.bounds[3] - c.bounds[2]);
  EXPECT_EQ(r.damage[0].what, "checksum mismatch");
  EXPECT_FALSE(r.damage[0].truncation);
  EXPECT_EQ(r.types.size(), c.types.size() - 1);
}

TEST(CaptureDamage, GarbageBetweenFramesResyncs) {
  TempDir dir;
  SmallCapture c = makeSmallCapture(dir / "full");
  Bytes b(c.bytes.begin(), c.bytes.begin() + static_cast<long>(c.bounds[2]));
  Bytes garbage(1000, 0x5a);
  b.insert(b.end(), garbage.begin(), garbage.end());
  b.insert(b.end(), c.bytes.begin() + static_cast<long>(c.bounds[2]), c.bytes.end());
  writeBytes(dir / "c", b);
  ReadResult r = readAll(dir / "c");
  EXPECT_EQ(r.text, c.text);
  ASSERT_EQ(r.damage.size(), 1u) << describe(r.damage);
  EXPECT_EQ(r.damage[0].offset, c.bounds[2]);
  EXPECT_EQ(r.damage[0].bytes, 1000u);
  EXPECT_EQ(r.damage[0].what, "no frame marker");
}

// ---- hostile captures ------------------------------------------------------------

// Damage reported for a single hand-made frame placed between two good ones.
std::vector<Damage> damageOfHostileFrame(const Bytes& frame, size_t expectFrames = 2) {
  TempDir dir;
  SmallCapture c = makeSmallCapture(dir / "full");
  Bytes b(c.bytes.begin(), c.bytes.begin() + static_cast<long>(c.bounds[1]));
  b.insert(b.end(), frame.begin(), frame.end());
  b.insert(b.end(), c.bytes.begin() + static_cast<long>(c.bounds[c.bounds.size() - 2]),
           c.bytes.end());
  writeBytes(dir / "c", b);
  ReadResult r = readAll(dir / "c");
  EXPECT_EQ(r.types.size(), expectFrames) << describe(r.damage);
  if (!r.types.empty()) {
    EXPECT_EQ(r.types.front(), FrameType::kInfo);
    EXPECT_EQ(r.types.back(), FrameType::kTrailer);
  }
  for (const auto& d : r.damage) {
    EXPECT_EQ(d.offset, c.bounds[1]) << describe(r.damage);
    EXPECT_FALSE(d.truncation);
  }
  return r.damage;
}

// The hand-made messages below are tried in both encodings a reader meets:
// flat (2.x, what sigrec writes) and packed (1.x captures).
enum class Encoding { kFlat, kPacked };

class CaptureHostile : public ::testing::TestWithParam<Encoding> {
 protected:
  bool flat() const { return GetParam() == Encoding::kFlat; }
  // One segment (with its segment table) as a frame payload.
  Bytes segment(const std::vector<uint64_t>& words) const {
    if (!flat()) return packSegment(words);
    Bytes b(8 + words.size() * 8, 0);
    putLe32(b, 4, static_cast<uint32_t>(words.size()));
    std::memcpy(b.data() + 8, words.data(), words.size() * 8);
    return b;
  }
  // Raw message bytes (segment table included, a multiple of 8).
  Bytes message(const Bytes& raw) const { return flat() ? raw : packBytes(raw); }
  Bytes frame(uint8_t type, const Bytes& payload, uint8_t flags = 0,
              std::optional<uint32_t> rawBytes = std::nullopt,
              std::optional<uint32_t> storedBytes = std::nullopt) const {
    return rawFrame(type, payload, flags | (flat() ? kFrameFlagFlat : 0), rawBytes, storedBytes);
  }
};

INSTANTIATE_TEST_SUITE_P(Encodings, CaptureHostile,
                         ::testing::Values(Encoding::kFlat, Encoding::kPacked),
                         [](const auto& info) {
                           return info.param == Encoding::kFlat ? "flat" : "packed";
                         });

TEST_P(CaptureHostile, HugeDeclaredLengths) {
  Bytes payload = segment({structPtr(0, 1, 0), 7});
  for (uint32_t huge : {0xffffffffu, 0x80000000u, kMaxFrameBytes + 1}) {
    SCOPED_TRACE(huge);
    auto stored = damageOfHostileFrame(frame(3, payload, 0, huge, huge));
    ASSERT_EQ(stored.size(), 1u);
    EXPECT_NE(stored[0].what.find("above the limit"), std::string::npos) << stored[0].what;
    auto raw = damageOfHostileFrame(frame(3, payload, kFrameFlagZstd, huge));
    ASSERT_EQ(raw.size(), 1u);
    EXPECT_NE(raw[0].what.find("above the limit"), std::string::npos) << raw[0].what;
  }
  // Within the cap but beyond the end of the file: refused before reading.
  auto big = damageOfHostileFrame(frame(3, payload, 0, kMaxFrameBytes, kMaxFrameBytes));
  ASSERT_EQ(big.size(), 1u);
  EXPECT_NE(big[0].what.find("truncated frame"), std::string::npos) << big[0].what;
}

// The reader never allocates more than the caps allow, whatever the file
// declares: checked in a child with a bounded address space.
TEST_P(CaptureHostile, NoHugeAllocation) {
#if defined(__SANITIZE_ADDRESS__)
  GTEST_SKIP() << "AddressSanitizer reserves more address space than the limit";
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
  GTEST_SKIP() << "AddressSanitizer reserves more address space than the limit";
#endif
#endif
  TempDir dir;
  Bytes b = fileHeader();
  auto add = [&](const Bytes& f) { b.insert(b.end(), f.begin(), f.end()); };
  Bytes small = segment({structPtr(0, 1, 0), 7});
  add(frame(3, small, 0, 0xfffffff0u, 0xfffffff0u));
  add(frame(3, small, kFrameFlagZstd, 0xfffffff0u));
  // A Cap'n Proto segment table declaring 2^31 words in one segment...
  Bytes table(8, 0);
  putLe32(table, 4, 0x7fffffffu);
  add(frame(3, message(table)));
  // ... and one declaring 512 segments of 2^20 words each.
  Bytes many(8 + 4 * 512, 0);
  putLe32(many, 0, 511);
  for (int i = 0; i < 512; ++i) putLe32(many, 4 + 4 * i, 1u << 20);
  add(frame(3, message(many)));
  writeBytes(dir / "c", b);

  pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    struct rlimit limit = {512u << 20, 512u << 20};
    ::setrlimit(RLIMIT_AS, &limit);
    try {
      CaptureReader reader(dir / "c");
      int frames = 0;
      while (reader.next()) ++frames;
      ::_exit(frames == 0 && reader.damage().size() == 4 ? 0 : 1);
    } catch (...) {
      ::_exit(2);
    }
  }
  int status = 0;
  ASSERT_EQ(::waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFEXITED(status)) << "reader died (signal " << WTERMSIG(status) << ")";
  EXPECT_EQ(WEXITSTATUS(status), 0);
}

TEST_P(CaptureHostile, SelfPointingStruct) {
  // Root -> struct with one pointer that points at the struct itself.
  Bytes payload = segment({structPtr(0, 0, 1), structPtr(-1, 0, 1)});
  auto damage = damageOfHostileFrame(frame(3, payload));
  ASSERT_EQ(damage.size(), 1u);
  EXPECT_NE(damage[0].what.find("invalid events message"), std::string::npos) << damage[0].what;
}

// 64 pointers, each back at the struct holding them: walked naively that is
// 64^16 visits. The traversal limit must stop it.
TEST_P(CaptureHostile, AmplifyingPointerLoop) {
  std::vector<uint64_t> words = {structPtr(0, 0, 64)};
  for (int i = 0; i < 64; ++i) words.push_back(structPtr(-1 - i, 0, 64));
  for (uint8_t type : {1, 2, 3, 4}) {
    auto start = std::chrono::steady_clock::now();
    auto damage = damageOfHostileFrame(frame(type, segment(words)));
    EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(20));
    ASSERT_EQ(damage.size(), 1u);
    EXPECT_NE(damage[0].what.find("invalid"), std::string::npos) << damage[0].what;
  }
}

// A list of empty structs takes no space but one traversal word per element:
// past the traversal limit it is damage; below it, it reads in bounded time
// (found by capture_reader_fuzz, as a slow input).
TEST_P(CaptureHostile, ZeroSizedElementAmplification) {
  auto trailerWithCounters = [this](uint32_t count) {
    // Trailer: 0 data words (the test leaves scalars unset), 2 pointers:
    // counters, then stopReason. counters = inline-composite list of COUNT
    // zero-word structs: a tag word and nothing else.
    uint64_t list = 1 | (1ull << 2) | (7ull << 32) | (0ull << 35);  // skips stopReason
    uint64_t tag = static_cast<uint64_t>(count) << 2;  // struct "pointer": offset = count
    return frame(4, segment({structPtr(0, 0, 2), list, 0, tag}));
  };
  auto start = std::chrono::steady_clock::now();
  auto over = damageOfHostileFrame(trailerWithCounters((1u << 29) - 1), 2);
  ASSERT_EQ(over.size(), 1u);
  EXPECT_NE(over[0].what.find("traversal limit"), std::string::npos) << over[0].what;

  TempDir dir;
  Bytes b = fileHeader();
  Bytes f = trailerWithCounters(kTraversalLimitWords / 2);
  b.insert(b.end(), f.begin(), f.end());
  writeBytes(dir / "c", b);
  CaptureReader reader(dir / "c");
  auto frame = reader.next();
  ASSERT_TRUE(frame) << describe(reader.damage());
  EXPECT_EQ(frame->root<schema::Trailer>().getCounters().size(), kTraversalLimitWords / 2);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(30));
}

TEST_P(CaptureHostile, DeepNesting) {
  // A chain of 100 structs, each pointing to the next.
  std::vector<uint64_t> words;
  words.reserve(101);
  for (int i = 0; i < 100; ++i) words.push_back(structPtr(0, 0, 1));
  words.push_back(0);
  auto damage = damageOfHostileFrame(frame(2, segment(words)));
  ASSERT_EQ(damage.size(), 1u);
  EXPECT_NE(damage[0].what.find("nest"), std::string::npos) << damage[0].what;
}

TEST_P(CaptureHostile, FarPointerLoop) {
  // A far pointer whose landing pad is itself, and one into a segment that
  // does not exist.
  Bytes single = segment({farPtr(0, 0)});
  auto a = damageOfHostileFrame(frame(3, single));
  EXPECT_EQ(a.size(), 1u);
  Bytes otherSegment = segment({farPtr(0, 5)});
  auto c = damageOfHostileFrame(frame(3, otherSegment));
  EXPECT_EQ(c.size(), 1u);
}

// Pointers of the wrong kind for the schema (a struct where text is expected,
// a bit list where events are expected) must be damage found when the frame is
// read, not an exception when a caller later reads the field.
TEST_P(CaptureHostile, WrongPointerKinds) {
  // EventBatch whose events list is a list of bits.
  auto a = damageOfHostileFrame(
      frame(3, segment({structPtr(0, 0, 2), (1ull << 32 | 1) | (64ull << 35), 0, ~0ull})));
  EXPECT_EQ(a.size(), 1u);
  // CaptureInfo whose hostname (pointer 0) is a struct.
  auto b =
      damageOfHostileFrame(frame(1, segment({structPtr(0, 3, 1), 0, 0, 0, structPtr(0, 1, 0), 5})));
  EXPECT_EQ(b.size(), 1u);
  // Text without its NUL terminator.
  auto c = damageOfHostileFrame(
      frame(1, segment({structPtr(0, 3, 1), 0, 0, 0, 1 | (0ull << 2) | (2ull << 32) | (8ull << 35),
                        0x4141414141414141ull})));
  EXPECT_EQ(c.size(), 1u);
}

TEST_P(CaptureHostile, BadCapnpInsideValidCrc) {
  // Bad zstd data under a correct CRC.
  Bytes junk(64, 0xab);
  auto z = damageOfHostileFrame(frame(3, junk, kFrameFlagZstd, 1000));
  ASSERT_EQ(z.size(), 1u);
  EXPECT_NE(z[0].what.find("zstd"), std::string::npos) << z[0].what;
  // Real zstd data whose header claims another decompressed size: refused
  // before the claimed size is allocated.
  {
    TempDir dir;
    SmallCapture c = makeSmallCapture(dir / "full");
    const uint8_t* snapshot = c.bytes.data() + c.bounds[1];
    ASSERT_TRUE(snapshot[5] & kFrameFlagZstd);
    Bytes payload(snapshot + kFrameHeaderBytes, snapshot + (c.bounds[2] - c.bounds[1]));
    uint32_t raw =
        snapshot[12] | snapshot[13] << 8 | snapshot[14] << 16 | uint32_t(snapshot[15]) << 24;
    EXPECT_TRUE(damageOfHostileFrame(rawFrame(2, payload, snapshot[5], raw), 3).empty());
    for (uint32_t lie : {raw - 8, raw + 8, kMaxFrameBytes}) {
      auto d = damageOfHostileFrame(rawFrame(2, payload, snapshot[5], lie), 2);
      ASSERT_EQ(d.size(), 1u);
      EXPECT_NE(d[0].what.find("size differs"), std::string::npos) << d[0].what;
    }
  }
  // A segment table that promises more than the frame holds.
  Bytes table(8, 0);
  putLe32(table, 4, 100);
  auto t = damageOfHostileFrame(frame(3, table));
  ASSERT_EQ(t.size(), 1u);
  // An empty payload.
  auto e = damageOfHostileFrame(frame(3, {}));
  ASSERT_EQ(e.size(), 1u);
  // A flat message that is not a whole number of words.
  if (flat()) {
    auto w = damageOfHostileFrame(frame(3, Bytes(12, 0)));
    ASSERT_EQ(w.size(), 1u);
    EXPECT_NE(w[0].what.find("whole number of words"), std::string::npos) << w[0].what;
  }
}

// Random bytes after a valid header, and random mutations of a real capture:
// the reader never crashes, never throws past its constructor, and every frame
// it returns can be walked whole.
TEST(CaptureHostile, RandomGarbage) {
  TempDir dir;
  SmallCapture c = makeSmallCapture(dir / "full");
  std::mt19937_64 rng(12345);
  for (int iter = 0; iter < 3000; ++iter) {
    Bytes b;
    if (iter % 3 == 0) {
      b = fileHeader();
      size_t n = rng() % 4096;
      for (size_t i = 0; i < n; ++i) b.push_back(static_cast<uint8_t>(rng()));
      // Sprinkle frame markers so the resync path is exercised.
      for (int k = 0; k < 4 && b.size() > 24; ++k) {
        putLe32(b, kFileHeaderBytes + rng() % (b.size() - kFileHeaderBytes - 4), kFrameMagic);
      }
    } else {
      b = c.bytes;
      int edits = 1 + static_cast<int>(rng() % 8);
      for (int k = 0; k < edits; ++k) {
        size_t pos = kFileHeaderBytes + rng() % (b.size() - kFileHeaderBytes);
        switch (rng() % 4) {
          case 0:
            b[pos] = static_cast<uint8_t>(rng());
            break;
          case 1:
            b.erase(b.begin() + static_cast<long>(pos));
            break;
          case 2:
            b.insert(b.begin() + static_cast<long>(pos), static_cast<uint8_t>(rng()));
            break;
          case 3:
            b.resize(pos);
            break;
        }
        if (b.size() <= kFileHeaderBytes) break;
      }
    }
    writeBytes(dir / "c", b);
    SCOPED_TRACE("iteration " + std::to_string(iter));
    try {
      ReadResult r = readAll(dir / "c");
      uint64_t covered = 0;
      for (const auto& d : r.damage) covered += d.bytes;
      EXPECT_LE(covered, b.size());
    } catch (const CaptureError& e) {
      ADD_FAILURE() << "threw after the header: " << e.what();
    } catch (const kj::Exception& e) {
      ADD_FAILURE() << "Cap'n Proto exception escaped: " << e.getDescription().cStr();
    }
  }
}

// ---- writer ------------------------------------------------------------------------

TEST(CaptureWriterTest, ModeIs0600EvenOverAnExistingFile) {
  TempDir dir;
  mode_t old = ::umask(0);
  writeBytes(dir / "c", {1, 2, 3});
  ASSERT_EQ(::chmod((dir / "c").c_str(), 0644), 0);
  { CaptureWriter writer(dir / "c"); }
  { CaptureWriter writer(dir / "new"); }
  ::umask(old);
  struct stat st {};
  ASSERT_EQ(::stat((dir / "c").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 0600u);
  EXPECT_EQ(st.st_size, static_cast<off_t>(kFileHeaderBytes)) << "old content truncated";
  ASSERT_EQ(::stat((dir / "new").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 0600u);
}

TEST(CaptureWriterTest, FileHeaderLayout) {
  TempDir dir;
  { CaptureWriter writer(dir / "c"); }
  EXPECT_EQ(readBytes(dir / "c"), fileHeader());
}

TEST(CaptureWriterTest, UncreatableFile) {
  TempDir dir;
  try {
    CaptureWriter writer(dir / "no" / "such" / "dir");
    ADD_FAILURE() << "created";
  } catch (const CaptureError& e) {
    EXPECT_NE(std::string(e.what()).find("No such file"), std::string::npos) << e.what();
  }
}

// Fill a 1 MiB tmpfs: the writer reports ENOSPC, cuts the partial frame, and
// the file reads back whole up to the last frame written.
TEST(CaptureWriterTest, FullFilesystem) {
  TempDir dir;
  fs::path mnt = dir / "mnt";
  fs::create_directory(mnt);
  if (::mount("tmpfs", mnt.c_str(), "tmpfs", 0, "size=1m,mode=0700") != 0) {
    GTEST_SKIP() << "cannot mount a tmpfs (" << std::strerror(errno) << "); needs root";
  }
  struct Unmount {
    explicit Unmount(fs::path path) : p(std::move(path)) {}
    Unmount(const Unmount&) = delete;
    Unmount& operator=(const Unmount&) = delete;
    ~Unmount() { ::umount2(p.c_str(), MNT_DETACH); }
    fs::path p;
  } unmount{mnt};

  std::mt19937_64 rng(7);
  int written = 0;
  std::string error;
  uint64_t sizeBefore = 0;
  {
    CaptureWriter writer(mnt / "c");
    try {
      for (int i = 0; i < 1000; ++i) {
        capnp::MallocMessageBuilder m;
        auto e = m.initRoot<schema::EventBatch>().initEvents(1)[0];
        e.setTimeNs(static_cast<uint64_t>(i));
        std::string noise(20000, ' ');
        for (auto& ch : noise) ch = static_cast<char>('!' + rng() % 90);  // barely compressible
        e.initExec().setFilename(noise);
        sizeBefore = writer.bytesWritten();
        writer.write(FrameType::kEvents, m);
        ++written;
      }
    } catch (const CaptureError& e) {
      error = e.what();
    }
    EXPECT_EQ(writer.bytesWritten(), sizeBefore);
  }
  ASSERT_FALSE(error.empty()) << "1 MiB tmpfs never filled up";
  EXPECT_NE(error.find("No space left"), std::string::npos) << error;
  EXPECT_GT(written, 10);
  EXPECT_EQ(fs::file_size(mnt / "c"), sizeBefore) << "partial frame not cut off";
  ReadResult r = readAll(mnt / "c");
  EXPECT_EQ(r.types.size(), static_cast<size_t>(written));
  EXPECT_TRUE(r.damage.empty()) << describe(r.damage);
}

}  // namespace
}  // namespace sigrec::capture
