#include "record/capture_files.h"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <system_error>
#include <charconv>
#include <cstdio>
#include <filesystem>
#include <optional>
#include <utility>
#include <vector>

namespace sigrec::record {
namespace {

namespace fs = std::filesystem;

// Retention by age and total size needs no precision beyond a few seconds;
// checking more often would stat every file once per batch.
constexpr auto kExpiryInterval = std::chrono::seconds(5);

// The sequence number of NAME if it is PATH numbered ("box.0007.sigrec" for
// "box.sigrec"), else nothing.
std::optional<uint32_t> sequenceOf(const fs::path& path, const std::string& name) {
  const std::string prefix = path.stem().string() + ".", suffix = path.extension().string();
  if (name.size() < prefix.size() + 4 + suffix.size() || name.rfind(prefix, 0) != 0 ||
      name.compare(name.size() - suffix.size(), suffix.size(), suffix) != 0) {
    return std::nullopt;
  }
  const char* first = name.data() + prefix.size();
  const char* last = name.data() + name.size() - suffix.size();
  uint32_t n = 0;
  auto [end, ec] = std::from_chars(first, last, n);
  if (ec != std::errc() || end != last) return std::nullopt;
  return n;
}

uint64_t sizeOf(const std::string& path) {
  std::error_code ec;
  uint64_t size = fs::file_size(path, ec);
  return ec ? 0 : size;
}

}  // namespace

std::string CaptureFiles::numberedPath(const std::string& path, uint32_t sequence) {
  fs::path p(path);
  char number[16];
  std::snprintf(number, sizeof number, ".%04u", sequence);
  return (p.parent_path() / (p.stem().string() + number + p.extension().string())).string();
}

CaptureFiles::CaptureFiles(FilePolicy policy, HeaderWriter writeHeader, const Clock& clock)
    : policy_(std::move(policy)), writeHeader_(std::move(writeHeader)), clock_(clock) {
  if (rotating()) adoptEarlierFiles();
  create();
  if (rotating()) applyRetention();
}

// A restarted service must neither overwrite the files of its previous run
// nor keep them forever: they join the rotation, oldest first.
void CaptureFiles::adoptEarlierFiles() {
  fs::path path(policy_.path);
  fs::path dir = path.parent_path().empty() ? fs::path(".") : path.parent_path();
  std::vector<uint32_t> found;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    if (!entry.is_regular_file(ec)) continue;
    if (auto n = sequenceOf(path, entry.path().filename().string())) found.push_back(*n);
  }
  std::sort(found.begin(), found.end());
  for (uint32_t n : found) paths_.push_back(numberedPath(policy_.path, n));
  if (!found.empty()) sequence_ = found.back() + 1;
}

void CaptureFiles::create() {
  std::string path = rotating() ? numberedPath(policy_.path, sequence_) : policy_.path;
  writer_ = std::make_unique<capture::CaptureWriter>(path);
  paths_.push_back(path);
  struct stat st {};
  if (::stat(path.c_str(), &st) == 0) {
    device_ = st.st_dev;
    inode_ = st.st_ino;
  }
  openedAt_ = std::chrono::steady_clock::now();
}

// Each file measures the offset afresh: a recording rotating for weeks sees
// NTP steps and manual clock changes, and the files after a step must
// convert to the wall time of their own days (docs/capture-format.md, "Time
// base").
void CaptureFiles::writeHeader() {
  bootToWallNs_ = record::bootToWallNs(clock_);
  writeHeader_(*writer_, FileStart{sequence_, bootToWallNs_});
  writer_->sync();
}

bool CaptureFiles::needsNewFile() {
  if (rotating() && full()) return true;
  // A file is never written for longer than --max-age, so that age-based
  // retention can remove its events.
  if (rotating() && policy_.maxAgeSec &&
      std::chrono::steady_clock::now() - openedAt_ >= std::chrono::seconds(policy_.maxAgeSec)) {
    return true;
  }
  if (!newFileRequested_.exchange(false)) return false;
  if (rotating()) return true;
  struct stat st {};
  bool moved =
      ::stat(currentPath().c_str(), &st) != 0 || st.st_dev != device_ || st.st_ino != inode_;
  if (!moved) {
    std::fprintf(stderr, "sigrec: SIGHUP: %s was not moved away; recording continues into it\n",
                 currentPath().c_str());
  }
  return moved;
}

void CaptureFiles::rotate() {
  ++sequence_;
  create();
  writeHeader();
  if (rotating()) {
    applyRetention();
  } else {
    paths_.erase(paths_.begin(), paths_.end() - 1);  // reopened in place
  }
}

void CaptureFiles::expire() {
  if (!rotating() || (!policy_.maxTotalBytes && !policy_.maxAgeSec)) return;
  auto now = std::chrono::steady_clock::now();
  if (now < nextExpiry_) return;
  nextExpiry_ = now + kExpiryInterval;
  applyRetention();
}

// Removes the oldest files while there are more than the number to keep,
// they exceed the total size, or the oldest was last written too long ago.
// The file being written is never removed.
void CaptureFiles::applyRetention() {
  const auto now = fs::file_time_type::clock::now();
  uint64_t total = writer_->bytesWritten();
  for (size_t i = 0; i + 1 < paths_.size(); ++i) total += sizeOf(paths_[i]);
  while (paths_.size() > 1) {
    const std::string& oldest = paths_.front();
    std::error_code ec;
    auto written = fs::last_write_time(oldest, ec);
    bool tooOld =
        !ec && policy_.maxAgeSec && now - written > std::chrono::seconds(policy_.maxAgeSec);
    bool gone = ec == std::errc::no_such_file_or_directory;  // removed by someone else: forget it
    if (!gone && !tooOld && paths_.size() <= policy_.keepFiles &&
        !(policy_.maxTotalBytes && total > policy_.maxTotalBytes)) {
      break;
    }
    total -= std::min(total, sizeOf(oldest));
    ::unlink(oldest.c_str());
    paths_.pop_front();
  }
}

}  // namespace sigrec::record
