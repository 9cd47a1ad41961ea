#include "api/validation/names.h"

#include <gtest/gtest.h>

#include <string>

namespace berth::api::validation {
namespace {

TEST(NamesTest, Dns1123LabelAcceptsAndRejects) {
  EXPECT_TRUE(IsDNS1123Label("my-name").empty());
  EXPECT_TRUE(IsDNS1123Label("123-abc").empty());
  EXPECT_TRUE(IsDNS1123Label(std::string(63, 'a')).empty());
  EXPECT_FALSE(IsDNS1123Label("").empty());
  EXPECT_FALSE(IsDNS1123Label("-a").empty());
  EXPECT_FALSE(IsDNS1123Label("a-").empty());
  EXPECT_FALSE(IsDNS1123Label("a.b").empty());
  EXPECT_FALSE(IsDNS1123Label("Abc").empty());
  auto too_long = IsDNS1123Label(std::string(64, 'a'));
  ASSERT_EQ(too_long.size(), 1u);
  EXPECT_EQ(too_long[0], "must be no more than 63 characters");
}

TEST(NamesTest, Dns1123LabelMessageMatchesKubernetes) {
  auto errs = IsDNS1123Label("Bad_Name");
  ASSERT_EQ(errs.size(), 1u);
  EXPECT_EQ(errs[0],
            "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or "
            "'-', and must start and end with an alphanumeric character (e.g. 'my-name',  or "
            "'123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')");
}

TEST(NamesTest, Dns1123Subdomain) {
  EXPECT_TRUE(IsDNS1123Subdomain("example.com").empty());
  EXPECT_TRUE(IsDNS1123Subdomain("a").empty());
  EXPECT_TRUE(IsDNS1123Subdomain("a-b.c-d.e").empty());
  EXPECT_FALSE(IsDNS1123Subdomain("a..b").empty());
  EXPECT_FALSE(IsDNS1123Subdomain(".a").empty());
  EXPECT_FALSE(IsDNS1123Subdomain("a.").empty());
  EXPECT_FALSE(IsDNS1123Subdomain("a.-b").empty());
  auto errs = IsDNS1123Subdomain("Bad_Name");
  ASSERT_EQ(errs.size(), 1u);
  EXPECT_EQ(errs[0],
            "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, "
            "'-' or '.', and must start and end with an alphanumeric character (e.g. "
            "'example.com', regex used for validation is "
            "'[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')");
  std::string long_name;
  while (long_name.size() < 254) long_name += "abcdefg.";
  long_name = long_name.substr(0, 254);
  if (long_name.back() == '.') long_name.back() = 'x';
  auto long_errs = IsDNS1123Subdomain(long_name);
  ASSERT_FALSE(long_errs.empty());
  EXPECT_EQ(long_errs[0], "must be no more than 253 characters");
}

TEST(NamesTest, Dns1035Label) {
  EXPECT_TRUE(IsDNS1035Label("my-svc").empty());
  EXPECT_FALSE(IsDNS1035Label("1svc").empty());
  EXPECT_FALSE(IsDNS1035Label("svc-").empty());
  auto errs = IsDNS1035Label("9x");
  ASSERT_EQ(errs.size(), 1u);
  EXPECT_NE(errs[0].find("a DNS-1035 label must consist of"), std::string::npos);
  EXPECT_NE(errs[0].find("'[a-z]([-a-z0-9]*[a-z0-9])?'"), std::string::npos);
}

TEST(NamesTest, QualifiedName) {
  EXPECT_TRUE(IsQualifiedName("app").empty());
  EXPECT_TRUE(IsQualifiedName("app.kubernetes.io/name").empty());
  EXPECT_TRUE(IsQualifiedName("My_Name.x").empty());
  EXPECT_FALSE(IsQualifiedName("").empty());
  EXPECT_FALSE(IsQualifiedName("_x").empty());
  auto empty_prefix = IsQualifiedName("/name");
  ASSERT_EQ(empty_prefix.size(), 1u);
  EXPECT_EQ(empty_prefix[0], "prefix part must be non-empty");
  auto bad_prefix = IsQualifiedName("Example.com/name");
  ASSERT_EQ(bad_prefix.size(), 1u);
  EXPECT_EQ(bad_prefix[0].rfind("prefix part a lowercase RFC 1123 subdomain", 0), 0u);
  auto empty_name = IsQualifiedName("example.com/");
  ASSERT_EQ(empty_name.size(), 2u);
  EXPECT_EQ(empty_name[0], "name part must be non-empty");
  auto two_slashes = IsQualifiedName("a/b/c");
  ASSERT_EQ(two_slashes.size(), 1u);
  EXPECT_NE(two_slashes[0].find("with an optional DNS subdomain prefix and '/'"),
            std::string::npos);
  auto too_long = IsQualifiedName(std::string(64, 'a'));
  ASSERT_EQ(too_long.size(), 1u);
  EXPECT_EQ(too_long[0], "name part must be no more than 63 characters");
}

TEST(NamesTest, LabelValue) {
  EXPECT_TRUE(IsValidLabelValue("").empty());
  EXPECT_TRUE(IsValidLabelValue("v1.2_beta-3").empty());
  EXPECT_FALSE(IsValidLabelValue("-x").empty());
  EXPECT_FALSE(IsValidLabelValue("a b").empty());
  auto errs = IsValidLabelValue("x/y");
  ASSERT_EQ(errs.size(), 1u);
  EXPECT_EQ(errs[0].rfind("a valid label must be an empty string or consist of", 0), 0u);
  EXPECT_EQ(IsValidLabelValue(std::string(64, 'v')).size(), 1u);
}

TEST(NamesTest, PortsEnvAndIp) {
  EXPECT_TRUE(IsValidPortNum(80).empty());
  EXPECT_TRUE(IsValidPortNum(65535).empty());
  ASSERT_EQ(IsValidPortNum(0).size(), 1u);
  EXPECT_EQ(IsValidPortNum(70000)[0], "must be between 1 and 65535, inclusive");
  EXPECT_TRUE(IsValidPortName("http").empty());
  EXPECT_TRUE(IsValidPortName("h2c-9").empty());
  EXPECT_FALSE(IsValidPortName("8080").empty());
  EXPECT_FALSE(IsValidPortName("a--b").empty());
  EXPECT_FALSE(IsValidPortName("-web").empty());
  EXPECT_FALSE(IsValidPortName("averyveryverylongname").empty());
  EXPECT_TRUE(IsEnvVarName("MY_VAR").empty());
  EXPECT_TRUE(IsEnvVarName("my.env-name").empty());
  EXPECT_FALSE(IsEnvVarName("1VAR").empty());
  EXPECT_FALSE(IsEnvVarName("A B").empty());
  EXPECT_FALSE(IsEnvVarName("..x").empty());
  EXPECT_TRUE(IsValidIP("10.9.8.7").empty());
  EXPECT_TRUE(IsValidIP("2001:db8::ffff").empty());
  EXPECT_FALSE(IsValidIP("10.9.8").empty());
  EXPECT_FALSE(IsValidIP("hello").empty());
}

}  // namespace
}  // namespace berth::api::validation
