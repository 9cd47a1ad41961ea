#include "api/validation/quantity.h"

#include <gtest/gtest.h>

#include <string>

namespace berth::api::validation {
namespace {

std::string Canon(const std::string& s) {
  auto q = ParseQuantity(s);
  if (!q) return "<invalid>";
  return CanonicalQuantity(*q);
}

TEST(QuantityTest, ParsesValuesAndFormats) {
  auto q = ParseQuantity("100m");
  ASSERT_TRUE(q);
  EXPECT_EQ(q->MilliValue(), 100);
  EXPECT_EQ(q->Value(), 1);  // rounded up
  EXPECT_EQ(q->format, "DecimalSI");
  q = ParseQuantity("1.5Gi");
  ASSERT_TRUE(q);
  EXPECT_EQ(q->Value(), 1610612736);
  EXPECT_EQ(q->format, "BinarySI");
  q = ParseQuantity("2e3");
  ASSERT_TRUE(q);
  EXPECT_EQ(q->Value(), 2000);
  EXPECT_EQ(q->format, "DecimalExponent");
  q = ParseQuantity("128974848");
  ASSERT_TRUE(q);
  EXPECT_EQ(q->Value(), 128974848);
  q = ParseQuantity("-2");
  ASSERT_TRUE(q);
  EXPECT_EQ(q->MilliValue(), -2000);
  q = ParseQuantity("1E");
  ASSERT_TRUE(q);
  EXPECT_EQ(q->Value(), 1000000000000000000LL);
}

TEST(QuantityTest, RejectsMalformed) {
  for (const char* bad :
       {"", "abc", "1.2.3", "1Q", "Mi", "1 Mi", "1e", "--1", "1ki", ".", "1Mi2"}) {
    EXPECT_FALSE(ParseQuantity(bad)) << bad;
  }
}

TEST(QuantityTest, CanonicalForms) {
  EXPECT_EQ(Canon("1500m"), "1500m");
  EXPECT_EQ(Canon("1.5"), "1500m");
  EXPECT_EQ(Canon("1024Ki"), "1Mi");
  EXPECT_EQ(Canon("1.5Gi"), "1536Mi");
  EXPECT_EQ(Canon("1000"), "1k");
  EXPECT_EQ(Canon("0.1"), "100m");
  EXPECT_EQ(Canon("1000m"), "1");
  EXPECT_EQ(Canon("2e3"), "2e3");
  EXPECT_EQ(Canon("1000e0"), "1e3");
  EXPECT_EQ(Canon("100Mi"), "100Mi");
  EXPECT_EQ(Canon("0"), "0");
  EXPECT_EQ(Canon("512Ki"), "512Ki");
  EXPECT_EQ(Canon("1000Ki"), "1000Ki");
  EXPECT_EQ(Canon("0.5Ki"), "512");
  EXPECT_EQ(Canon("100Ki"), "100Ki");
  EXPECT_EQ(Canon("-1500m"), "-1500m");
  EXPECT_EQ(Canon("128974848"), "128974848");
  EXPECT_EQ(Canon("1G"), "1G");
  EXPECT_EQ(Canon("0.0000000001"), "1n");  // sub-nano rounds up
}

}  // namespace
}  // namespace berth::api::validation
