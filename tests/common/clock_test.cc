#include "common/clock.h"

#include <gtest/gtest.h>

namespace berth {
namespace {

using std::chrono::hours;
using std::chrono::minutes;
using std::chrono::seconds;

TEST(Rfc3339Test, FormatAndParseRoundTrip) {
  Clock::time_point t;
  ASSERT_TRUE(ParseRfc3339("2026-11-28T04:14:49Z", &t));
  EXPECT_EQ(FormatRfc3339(t), "2026-11-28T04:14:49Z");
  EXPECT_EQ(FormatRfc3339Micro(t), "2026-11-28T04:14:49.000000Z");
  Clock::time_point epoch{};
  EXPECT_EQ(FormatRfc3339(epoch), "1970-01-01T00:00:00Z");
  EXPECT_EQ(FormatRfc3339(epoch + seconds(86400 + 3661)), "1970-01-02T01:01:01Z");
}

TEST(Rfc3339Test, FractionsAndOffsets) {
  Clock::time_point a, b;
  ASSERT_TRUE(ParseRfc3339("2024-02-29T12:00:00.123456Z", &a));
  EXPECT_EQ(FormatRfc3339Micro(a), "2024-02-29T12:00:00.123456Z");
  EXPECT_EQ(FormatRfc3339(a), "2024-02-29T12:00:00Z");
  ASSERT_TRUE(ParseRfc3339("2024-02-29T14:30:00+02:30", &b));
  EXPECT_EQ(FormatRfc3339(b), "2024-02-29T12:00:00Z");
  ASSERT_TRUE(ParseRfc3339("2024-02-29T07:00:00-05:00", &b));
  EXPECT_EQ(FormatRfc3339(b), "2024-02-29T12:00:00Z");
}

TEST(Rfc3339Test, RejectsMalformed) {
  Clock::time_point t;
  for (const char* bad : {"", "2024-02-29", "2024-02-29 12:00:00Z", "2024-13-01T00:00:00Z",
                          "2024-02-29T12:00:00", "2024-02-29T25:00:00Z", "2024-02-29T12:00:00.Z",
                          "2024-02-29T12:00:00Zjunk", "not a time at all!!"}) {
    EXPECT_FALSE(ParseRfc3339(bad, &t)) << bad;
  }
}

TEST(ManualClockTest, Advances) {
  ManualClock c;
  auto t0 = c.Now();
  auto m0 = c.Monotonic();
  c.Advance(seconds(90));
  EXPECT_EQ(c.Now() - t0, seconds(90));
  EXPECT_EQ(c.Monotonic() - m0, seconds(90));
}

TEST(HumanDurationTest, MatchesKubectl) {
  EXPECT_EQ(HumanDuration(seconds(0)), "0s");
  EXPECT_EQ(HumanDuration(seconds(5)), "5s");
  EXPECT_EQ(HumanDuration(seconds(119)), "119s");
  EXPECT_EQ(HumanDuration(seconds(120)), "2m");
  EXPECT_EQ(HumanDuration(seconds(192)), "3m12s");
  EXPECT_EQ(HumanDuration(seconds(599)), "9m59s");
  EXPECT_EQ(HumanDuration(minutes(10)), "10m");
  EXPECT_EQ(HumanDuration(minutes(179)), "179m");
  EXPECT_EQ(HumanDuration(hours(3)), "3h");
  EXPECT_EQ(HumanDuration(hours(4)), "4h");
  EXPECT_EQ(HumanDuration(hours(4) + minutes(30)), "4h30m");
  EXPECT_EQ(HumanDuration(hours(8) + minutes(30)), "8h");
  EXPECT_EQ(HumanDuration(hours(47)), "47h");
  EXPECT_EQ(HumanDuration(hours(48)), "2d");
  EXPECT_EQ(HumanDuration(hours(51)), "2d3h");
  EXPECT_EQ(HumanDuration(hours(24 * 7 + 23)), "7d23h");
  EXPECT_EQ(HumanDuration(hours(24 * 10)), "10d");
  EXPECT_EQ(HumanDuration(hours(24 * 729)), "729d");
  EXPECT_EQ(HumanDuration(hours(24 * 730)), "2y");
  EXPECT_EQ(HumanDuration(hours(24 * (365 * 3 + 10))), "3y10d");
  EXPECT_EQ(HumanDuration(hours(24 * 365 * 9)), "9y");
}

TEST(HumanDurationTest, NegativeDurations) {
  EXPECT_EQ(HumanDuration(seconds(-1)), "0s");  // tolerated clock skew
  EXPECT_EQ(HumanDuration(seconds(-2)), "<invalid>");
}

}  // namespace
}  // namespace berth
