// RFC 3339 time text and durations (base/time_format.h).
#include "base/time_format.h"

#include <gtest/gtest.h>

namespace sigrec {
namespace {

TEST(TimeFormat, Rfc3339WithNanoseconds) {
  EXPECT_EQ(formatTime(0), "1970-01-01T00:00:00.000000000Z");
  EXPECT_EQ(formatTime(1'795'442'400'123'456'789), "2026-11-23T14:00:00.123456789Z");
  EXPECT_EQ(formatTime(-1), "1969-12-31T23:59:59.999999999Z");
}

TEST(TimeFormat, ParseRoundTripsAndPrecision) {
  int64_t precision = 0;
  EXPECT_EQ(parseTime("2026-11-23T14:00:00.123456789Z", &precision), 1'795'442'400'123'456'789);
  EXPECT_EQ(precision, 1);
  EXPECT_EQ(parseTime("2026-11-23T14:00:00Z", &precision), 1'795'442'400'000'000'000);
  EXPECT_EQ(precision, 1'000'000'000);
  EXPECT_EQ(parseTime("2026-11-23 14:00:00.5", &precision), 1'795'442'400'500'000'000);
  EXPECT_EQ(precision, 100'000'000);
  EXPECT_EQ(parseTime("2026-11-23T16:00:00+02:00"), 1'795'442'400'000'000'000);
  EXPECT_FALSE(parseTime("yesterday"));
  EXPECT_FALSE(parseTime("2026-13-23T14:00:00Z"));
  EXPECT_FALSE(parseTime("2026-11-23T14:00:00Zjunk"));
  EXPECT_FALSE(parseTime("2026-11-23T14:00:00."));
}

TEST(TimeFormat, Durations) {
  EXPECT_EQ(formatDuration(500), "500ns");
  EXPECT_EQ(formatDuration(800'000), "800.0us");
  EXPECT_EQ(formatDuration(999'995), "1.0ms");
  EXPECT_EQ(formatDuration(1'500'000'000), "1.500s");
  EXPECT_EQ(formatDuration(400'000'000'000), "6m40s");
  EXPECT_EQ(formatDuration(7'300'000'000'000), "2h01m");
}

}  // namespace
}  // namespace sigrec
