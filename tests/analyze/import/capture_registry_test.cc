// analyze/import/capture_registry: identity, skip and replace, alone.
#include "analyze/import/capture_registry.h"

#include <gtest/gtest.h>

#include "analyze/store/db_schema.h"

namespace sigrec::analyze {
namespace {

class CaptureRegistryTest : public ::testing::Test {
 protected:
  void SetUp() override { ensureSchema(db_); }
  int64_t add(const std::string& key, uint64_t size) {
    int64_t id = insertCapture(db_, {key, "/tmp/x.sigrec", "2.0", size}, std::nullopt);
    db_.prepare("INSERT INTO signals (capture_id, time_ns) VALUES (?, 1)").bind(1, id).run();
    return id;
  }
  int64_t count(const std::string& sql) { return db_.scalar(sql).value_or(-1); }
  Db db_{"", Db::Mode::kMemory};
};

TEST_F(CaptureRegistryTest, ANewCaptureIsNeitherSkippedNorReplacing) {
  CaptureClaim c = claimCapture(db_, "h/b/1/0", 100);
  EXPECT_FALSE(c.skipped);
  EXPECT_FALSE(c.replaced);
}

TEST_F(CaptureRegistryTest, TheSameOrAShorterCopyIsSkipped) {
  int64_t id = add("h/b/1/0", 100);
  for (uint64_t size : {100u, 50u}) {
    CaptureClaim c = claimCapture(db_, "h/b/1/0", size);
    EXPECT_TRUE(c.skipped);
    EXPECT_EQ(c.existingId, id);
  }
  EXPECT_EQ(count("SELECT COUNT(*) FROM signals"), 1);
}

TEST_F(CaptureRegistryTest, ALongerCopyReplacesEveryRowOfTheShorterOne) {
  add("h/b/1/0", 100);
  add("h/b/2/0", 100);
  CaptureClaim c = claimCapture(db_, "h/b/1/0", 200);
  EXPECT_FALSE(c.skipped);
  EXPECT_TRUE(c.replaced);
  EXPECT_EQ(count("SELECT COUNT(*) FROM captures"), 1);
  EXPECT_EQ(count("SELECT COUNT(*) FROM signals"), 1) << "the other capture's rows stay";
}

TEST_F(CaptureRegistryTest, AFileWithoutInfoIsKeyedByItsPath) {
  EXPECT_EQ(captureKey(std::nullopt, "/a/b.sigrec"), "noinfo:/a/b.sigrec");
}

}  // namespace
}  // namespace sigrec::analyze
