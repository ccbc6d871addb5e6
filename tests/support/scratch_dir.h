// A fresh temporary directory, removed with the object.
#pragma once

#include <filesystem>
#include <string>

namespace sigrec::testing {

class ScratchDir {
 public:
  ScratchDir();
  ~ScratchDir();
  // One owner: a copy would remove the directory twice.
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;
  std::filesystem::path operator/(const std::string& name) const { return path_ / name; }
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

}  // namespace sigrec::testing
