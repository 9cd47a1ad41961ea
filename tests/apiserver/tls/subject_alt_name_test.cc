#include "apiserver/tls/subject_alt_name.h"

#include <gtest/gtest.h>

namespace berth::apiserver::tls {
namespace {

using Kind = SubjectAltName::Kind;

TEST(SubjectAltNameTest, ClassifiesIpv4AndIpv6) {
  StatusOr<SubjectAltName> v4 = ParseSubjectAltName("10.1.2.3");
  ASSERT_TRUE(v4.ok());
  EXPECT_EQ(v4->kind, Kind::kIp);
  EXPECT_EQ(v4->value, "10.1.2.3");

  StatusOr<SubjectAltName> v6 = ParseSubjectAltName("0:0:0:0:0:0:0:1");
  ASSERT_TRUE(v6.ok());
  EXPECT_EQ(v6->kind, Kind::kIp);
  EXPECT_EQ(v6->value, "::1");

  StatusOr<SubjectAltName> bracketed = ParseSubjectAltName("[FE80::0001]");
  ASSERT_TRUE(bracketed.ok());
  EXPECT_EQ(bracketed->value, "fe80::1");
}

TEST(SubjectAltNameTest, ClassifiesDnsNamesInLowerCase) {
  StatusOr<SubjectAltName> dns = ParseSubjectAltName("API.Example.com");
  ASSERT_TRUE(dns.ok());
  EXPECT_EQ(dns->kind, Kind::kDns);
  EXPECT_EQ(dns->value, "api.example.com");
  EXPECT_TRUE(ParseSubjectAltName("*.apps.example.com").ok());
  // A dotted quad that is not an IP is a (numeric) DNS label sequence, not an IP.
  StatusOr<SubjectAltName> not_ip = ParseSubjectAltName("300.1.1.1");
  ASSERT_TRUE(not_ip.ok());
  EXPECT_EQ(not_ip->kind, Kind::kDns);
}

TEST(SubjectAltNameTest, RejectsMalformedNames) {
  for (const char* bad : {"", "[]", "a b", "x,DNS:evil", "a..b", ".lead", "trail.", "a*.b", "é"}) {
    StatusOr<SubjectAltName> parsed = ParseSubjectAltName(bad);
    EXPECT_FALSE(parsed.ok()) << bad;
    if (!parsed.ok()) {
      EXPECT_EQ(parsed.status().reason(), Reason::kBadRequest);
    }
  }
}

TEST(SubjectAltNameTest, CanonicalSetSortsAndDeduplicates) {
  std::vector<SubjectAltName> set = CanonicalSanSet(
      {{Kind::kDns, "b"}, {Kind::kIp, "::1"}, {Kind::kDns, "a"}, {Kind::kDns, "b"}});
  ASSERT_EQ(set.size(), 3u);
  EXPECT_EQ(set[0], (SubjectAltName{Kind::kDns, "a"}));
  EXPECT_EQ(set[1], (SubjectAltName{Kind::kDns, "b"}));
  EXPECT_EQ(set[2], (SubjectAltName{Kind::kIp, "::1"}));
}

TEST(SubjectAltNameTest, IpBytesRoundTrip) {
  SubjectAltName v6{Kind::kIp, "2001:db8::7"};
  std::string bytes = IpBytes(v6);
  ASSERT_EQ(bytes.size(), 16u);
  EXPECT_EQ(IpText(bytes), "2001:db8::7");
  EXPECT_EQ(IpBytes({Kind::kIp, "192.0.2.1"}).size(), 4u);
  EXPECT_EQ(IpText("abc"), "");
}

}  // namespace
}  // namespace berth::apiserver::tls
