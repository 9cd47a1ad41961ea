// Service account token claims: the layout BuildClaims writes and every check ValidateClaims makes.
#include "apiserver/serviceaccount/sa_claims.h"

#include <gtest/gtest.h>

namespace berth::apiserver::serviceaccount {
namespace {

constexpr char kIss[] = "https://kubernetes.default.svc.cluster.local";

TokenSpec Spec(Clock::time_point at) {
  TokenSpec s;
  s.issuer = kIss;
  s.audiences = {kIss, "vault"};
  s.namespace_ = "ns1";
  s.service_account = "builder";
  s.service_account_uid = "sa-uid";
  s.bound = BoundObject{"Pod", "web-0", "pod-uid"};
  s.issued_at = at;
  s.lifetime = std::chrono::seconds(600);
  s.jti = "j1";
  return s;
}

TEST(SaClaims, BuildsKubeLayout) {
  Clock::time_point at{std::chrono::seconds(1'700'000'000)};
  json::object c = BuildClaims(Spec(at));
  EXPECT_EQ(GetString(c, {"iss"}), kIss);
  EXPECT_EQ(GetString(c, {"sub"}), "system:serviceaccount:ns1:builder");
  EXPECT_EQ(c.at("aud"), (json::array{kIss, "vault"}));
  EXPECT_EQ(c.at("iat").as_int64(), 1'700'000'000);
  EXPECT_EQ(c.at("nbf").as_int64(), 1'700'000'000);
  EXPECT_EQ(c.at("exp").as_int64(), 1'700'000'600);
  EXPECT_EQ(GetString(c, {"jti"}), "j1");
  EXPECT_EQ(GetString(c, {"kubernetes.io", "namespace"}), "ns1");
  EXPECT_EQ(GetString(c, {"kubernetes.io", "serviceaccount", "name"}), "builder");
  EXPECT_EQ(GetString(c, {"kubernetes.io", "serviceaccount", "uid"}), "sa-uid");
  EXPECT_EQ(GetString(c, {"kubernetes.io", "pod", "name"}), "web-0");
  EXPECT_EQ(GetString(c, {"kubernetes.io", "pod", "uid"}), "pod-uid");
}

TEST(SaClaims, ValidatesIssuerAudienceAndTime) {
  Clock::time_point at{std::chrono::seconds(1'700'000'000)};
  json::object c = BuildClaims(Spec(at));
  auto id = ValidateClaims(c, at + std::chrono::seconds(10), kIss, {kIss});
  ASSERT_TRUE(id.ok()) << id.status().ToString();
  EXPECT_EQ(id->namespace_, "ns1");
  EXPECT_EQ(id->name, "builder");
  EXPECT_EQ(id->uid, "sa-uid");
  EXPECT_EQ(id->pod_name, "web-0");
  EXPECT_EQ(id->pod_uid, "pod-uid");
  auth::UserInfo u = UserFor(*id);
  EXPECT_EQ(u.name, "system:serviceaccount:ns1:builder");
  EXPECT_EQ(u.groups, (std::vector<std::string>{"system:serviceaccounts",
                                                "system:serviceaccounts:ns1"}));

  // Expired exactly at exp.
  EXPECT_EQ(ValidateClaims(c, at + std::chrono::seconds(600), kIss, {kIss}).status().reason(),
            Reason::kUnauthorized);
  // Another audience only.
  EXPECT_FALSE(ValidateClaims(c, at, kIss, {"https://other"}).ok());
  EXPECT_TRUE(ValidateClaims(c, at, kIss, {"vault"}).ok());
  // Another issuer.
  EXPECT_FALSE(ValidateClaims(c, at, "https://evil", {kIss}).ok());
  // Not yet valid (beyond the 60 s leeway), but within it is fine.
  EXPECT_FALSE(ValidateClaims(c, at - std::chrono::seconds(61), kIss, {kIss}).ok());
  EXPECT_TRUE(ValidateClaims(c, at - std::chrono::seconds(30), kIss, {kIss}).ok());
  // A subject that does not match the private claims.
  json::object bad = c;
  bad["sub"] = "system:serviceaccount:kube-system:admin";
  EXPECT_FALSE(ValidateClaims(bad, at, kIss, {kIss}).ok());
  // Missing private claims.
  json::object bare = c;
  bare.erase("kubernetes.io");
  EXPECT_FALSE(ValidateClaims(bare, at, kIss, {kIss}).ok());
}

TEST(SaClaims, UnboundTokenHasNoPod) {
  Clock::time_point at{std::chrono::seconds(1'700'000'000)};
  TokenSpec s = Spec(at);
  s.bound.reset();
  json::object c = BuildClaims(s);
  EXPECT_EQ(GetPath(c, {"kubernetes.io", "pod"}), nullptr);
  auto id = ValidateClaims(c, at, kIss, {kIss});
  ASSERT_TRUE(id.ok());
  EXPECT_TRUE(id->pod_name.empty());
}

}  // namespace
}  // namespace berth::apiserver::serviceaccount
