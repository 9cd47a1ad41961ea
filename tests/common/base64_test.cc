#include "common/base64.h"

#include <gtest/gtest.h>

namespace berth {
namespace {

TEST(Base64, DecodesPaddedUnpaddedAndWrappedInput) {
  EXPECT_EQ(Base64Decode("aHVudGVyMg=="), "hunter2");
  EXPECT_EQ(Base64Decode("aGk="), "hi");
  EXPECT_EQ(Base64Decode("YWJj"), "abc");
  EXPECT_EQ(Base64Decode("YW\nJj"), "abc");
  EXPECT_EQ(Base64Decode(""), "");
  std::string binary = Base64Decode("AP8Q");
  ASSERT_EQ(binary.size(), 3u);
  EXPECT_EQ(static_cast<unsigned char>(binary[1]), 0xFF);
}

}  // namespace
}  // namespace berth
