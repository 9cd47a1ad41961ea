#include "controllers/job/completed_indexes.h"

#include <gtest/gtest.h>

namespace berth::controllers {
namespace {

TEST(CompletedIndexesTest, RoundTrip) {
  EXPECT_EQ(FormatIndexes({}), "");
  EXPECT_EQ(FormatIndexes({0}), "0");
  EXPECT_EQ(FormatIndexes({1, 2}), "1-2");
  EXPECT_EQ(FormatIndexes({1, 3, 4, 5, 7}), "1,3-5,7");
  EXPECT_EQ(ParseIndexes("1,3-5,7", 10), (std::set<int>{1, 3, 4, 5, 7}));
  // Out-of-range and malformed pieces are dropped.
  EXPECT_EQ(ParseIndexes("1,3-5,7", 5), (std::set<int>{1, 3, 4}));
  EXPECT_EQ(ParseIndexes("x,2,-1,4-", 10), (std::set<int>{2}));
  EXPECT_EQ(ParseIndexes("", 10), std::set<int>{});
}

}  // namespace
}  // namespace berth::controllers
