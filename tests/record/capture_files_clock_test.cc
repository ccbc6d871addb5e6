// Each file of a rotating recording measures its own boot-to-wall offset when
// it starts (docs/capture-format.md, "Time base"): a wall-clock step (NTP,
// a manual change) between two files shows in the later file and leaves the
// earlier one as it was. The clocks are a fake the test steps.
#include <gtest/gtest.h>

#include <stdexcept>
#include <string>
#include <vector>

#include "record/capture_files.h"
#include "record/capture_header.h"
#include "record/clock.h"
#include "schema/capture_reader.h"
#include "tests/support/run_command.h"
#include "tests/support/temp_dir.h"

namespace sigrec::record {
namespace {

constexpr int64_t kSecond = 1'000'000'000;
constexpr int64_t kHour = 3600 * kSecond;
constexpr int64_t kDay = 24 * kHour;

// Boot and wall clocks that advance together, and a wall clock that can be
// stepped alone, as NTP steps it.
class FakeClock final : public Clock {
 public:
  int64_t bootNs() const override { return boot_; }
  int64_t wallNs() const override { return boot_ + offset_; }
  void advance(int64_t ns) { boot_ += ns; }
  void stepWall(int64_t ns) { offset_ += ns; }
  int64_t offset() const { return offset_; }

 private:
  int64_t boot_ = kHour;                        // up for an hour
  int64_t offset_ = 1'780'000'000LL * kSecond;  // booted in 2026
};

struct InfoSeen {
  uint32_t sequence;
  int64_t bootToWallNs;
  uint64_t startBootNs;
};

// The info frame of a capture file, read back as sigan reads it.
InfoSeen readInfo(const std::string& path) {
  capture::CaptureReader reader(path);
  while (auto frame = reader.next()) {
    if (frame->type() != capture::FrameType::kInfo) continue;
    auto info = frame->root<schema::CaptureInfo>();
    return {info.getFileSequence(), info.getBootToWallNs(), info.getStartBootNs()};
  }
  throw std::runtime_error(path + ": no info frame");
}

// Files as sigrec --max-size ... --rotate 10 writes them, with its real
// info frames, timed by CLOCK.
CaptureFiles rotatingFiles(const sigrec::testing::TempDir& dir, const FakeClock& clock) {
  return {FilePolicy{.path = dir.file("box.sigrec"), .maxBytes = 1u << 20, .keepFiles = 10},
          [&clock](capture::CaptureWriter& writer, const FileStart& start) {
            writeInfo(writer, Options{}, ProbeSettings{}, static_cast<uint64_t>(clock.bootNs()),
                      start);
          },
          clock};
}

TEST(CaptureFilesClock, EachRotatedFileCarriesTheOffsetOfItsOwnStart) {
  sigrec::testing::TempDir dir;
  FakeClock clock;
  CaptureFiles files = rotatingFiles(dir, clock);
  files.writeHeader();
  std::vector<int64_t> offsets{clock.offset()};
  // A day later NTP steps the clock back by 37 s; a week later someone sets
  // it forward by two hours.
  for (int64_t step : {-37 * kSecond, 2 * kHour}) {
    clock.advance(kDay);
    clock.stepWall(step);
    files.rotate();
    EXPECT_EQ(files.bootToWallNs(), clock.offset());
    offsets.push_back(clock.offset());
  }
  ASSERT_EQ(files.paths().size(), 3u);
  for (uint32_t i = 0; i < 3; ++i) {
    InfoSeen info = readInfo(files.paths()[i]);
    EXPECT_EQ(info.sequence, i);
    EXPECT_EQ(info.bootToWallNs, offsets[i]) << files.paths()[i];
  }
  // An event at the last file's start converts to the wall time the clock
  // then showed, not to one 2 h - 37 s off.
  InfoSeen last = readInfo(files.paths()[2]);
  EXPECT_EQ(static_cast<int64_t>(last.startBootNs) + last.bootToWallNs, clock.wallNs());
}

TEST(CaptureFilesClock, TheOffsetIsMeasuredWhenTheHeaderIsWritten) {
  // The first file is created before the probes load and gets its header
  // once they are attached; a step in between belongs to the file.
  sigrec::testing::TempDir dir;
  FakeClock clock;
  CaptureFiles files = rotatingFiles(dir, clock);
  clock.stepWall(5 * kSecond);
  files.writeHeader();
  EXPECT_EQ(readInfo(files.currentPath()).bootToWallNs, clock.offset());
}

TEST(CaptureFilesClock, SystemClockOffsetIsWallMinusBoot) {
  const Clock& clock = systemClock();
  const int64_t before = clock.wallNs() - clock.bootNs();
  const int64_t measured = bootToWallNs(clock);
  const int64_t after = clock.wallNs() - clock.bootNs();
  // Unless the clock is stepped right now, the three agree to well under a
  // millisecond; a second allows for a loaded machine.
  EXPECT_LT(std::abs(measured - before), kSecond);
  EXPECT_LT(std::abs(measured - after), kSecond);
}

}  // namespace
}  // namespace sigrec::record
