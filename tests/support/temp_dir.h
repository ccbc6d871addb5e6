// A fresh directory under the temporary directory, removed with its content
// when the object goes.
#pragma once

#include <filesystem>
#include <string>

namespace sigrec::testing {

class TempDir {
 public:
  TempDir();
  ~TempDir();
  // One owner: a copy would remove the directory twice.
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }
  std::string file(const std::string& name) const { return path_ + "/" + name; }
  std::filesystem::path operator/(const std::string& name) const {
    return std::filesystem::path(path_) / name;
  }

 private:
  std::string path_;
};

}  // namespace sigrec::testing
