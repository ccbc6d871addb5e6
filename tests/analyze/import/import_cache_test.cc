// The import cache (analyze/import/import_cache.h): on with SIGAN_CACHE_DIR, keyed
// by the capture's identity, size and path, the same answers as without it.
#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "analyze/cli/cli.h"
#include "tests/analyze/scenario.h"

namespace sigrec::analyze {
namespace {

class ImportCacheTest : public ::testing::Test {
 protected:
  void SetUp() override {
    testing::Scenario().build().write(dir_ / "s.sigrec");
    cache_ = dir_ / "cache";
  }
  void TearDown() override { ::unsetenv("SIGAN_CACHE_DIR"); }
  std::string whoKilled(const std::filesystem::path& capture) {
    std::ostringstream out, err;
    EXPECT_EQ(runSigan({"who-killed", "4242", capture.string(), "--format", "json"}, out, err), 0)
        << err.str();
    return out.str();
  }
  size_t cacheFiles() {
    if (!std::filesystem::exists(cache_)) return 0;
    return static_cast<size_t>(std::distance(std::filesystem::directory_iterator(cache_),
                                             std::filesystem::directory_iterator()));
  }

  testing::TempDir dir_;
  std::filesystem::path cache_;
};

TEST_F(ImportCacheTest, OffWithoutTheVariable) {
  ::unsetenv("SIGAN_CACHE_DIR");
  whoKilled(dir_ / "s.sigrec");
  EXPECT_EQ(cacheFiles(), 0u);
}

TEST_F(ImportCacheTest, ALaterQueryOpensTheSameImport) {
  std::string uncached = whoKilled(dir_ / "s.sigrec");
  ::setenv("SIGAN_CACHE_DIR", cache_.c_str(), 1);
  EXPECT_EQ(whoKilled(dir_ / "s.sigrec"), uncached);
  ASSERT_EQ(cacheFiles(), 1u);
  auto file = std::filesystem::directory_iterator(cache_)->path();
  auto written = std::filesystem::last_write_time(file);
  EXPECT_EQ(whoKilled(dir_ / "s.sigrec"), uncached);
  EXPECT_EQ(std::filesystem::last_write_time(file), written) << "not imported again";
  // A copy elsewhere is another entry: info shows the path.
  std::filesystem::copy_file(dir_ / "s.sigrec", dir_ / "copy.sigrec");
  EXPECT_EQ(whoKilled(dir_ / "copy.sigrec"), uncached);
  EXPECT_EQ(cacheFiles(), 2u);
}

TEST_F(ImportCacheTest, AnotherSizeIsAnotherEntry) {
  ::setenv("SIGAN_CACHE_DIR", cache_.c_str(), 1);
  std::string full = whoKilled(dir_ / "s.sigrec");
  // The same recording, cut: a different size, imported on its own.
  auto size = std::filesystem::file_size(dir_ / "s.sigrec");
  std::filesystem::copy_file(dir_ / "s.sigrec", dir_ / "cut.sigrec");
  std::filesystem::resize_file(dir_ / "cut.sigrec", size - 10);
  std::ostringstream out, err;
  runSigan({"info", (dir_ / "cut.sigrec").string(), "--format", "json"}, out, err);
  EXPECT_NE(err.str().find("truncated"), std::string::npos) << "the note, on a miss";
  EXPECT_EQ(cacheFiles(), 2u);
  std::ostringstream out2, err2;
  runSigan({"info", (dir_ / "cut.sigrec").string(), "--format", "json"}, out2, err2);
  EXPECT_EQ(err2.str(), err.str()) << "the same note on a hit";
  EXPECT_EQ(out2.str(), out.str());
}

TEST_F(ImportCacheTest, AnUnwritableDirectoryFallsBackToMemory) {
  std::filesystem::create_directories(cache_);
  std::ofstream(cache_ / "blocker") << "x";
  ::setenv("SIGAN_CACHE_DIR", (cache_ / "blocker").c_str(), 1);  // a file, not a directory
  std::string answer = whoKilled(dir_ / "s.sigrec");
  EXPECT_NE(answer.find("SIGTERM"), std::string::npos);
}

}  // namespace
}  // namespace sigrec::analyze
