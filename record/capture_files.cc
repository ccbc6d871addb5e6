#include "record/capture_files.h"

#include <unistd.h>

#include <cstdio>
#include <filesystem>

namespace sigrec::record {

std::string CaptureFiles::numberedPath(const std::string& path, uint32_t sequence) {
  std::filesystem::path p(path);
  char number[16];
  std::snprintf(number, sizeof number, ".%04u", sequence);
  return (p.parent_path() / (p.stem().string() + number + p.extension().string())).string();
}

CaptureFiles::CaptureFiles(FilePolicy policy, HeaderWriter writeHeader)
    : policy_(std::move(policy)), writeHeader_(std::move(writeHeader)) {
  create();
}

void CaptureFiles::create() {
  std::string path = rotating() ? numberedPath(policy_.path, sequence_) : policy_.path;
  writer_ = std::make_unique<capture::CaptureWriter>(path);
  paths_.push_back(path);
}

void CaptureFiles::writeHeader() {
  writeHeader_(*writer_, sequence_);
  writer_->sync();
}

void CaptureFiles::rotate() {
  ++sequence_;
  create();
  writeHeader();
  while (paths_.size() > policy_.keepFiles) {
    ::unlink(paths_.front().c_str());
    paths_.pop_front();
  }
}

}  // namespace sigrec::record
