#include "apiserver/auth/authn.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

namespace berth::apiserver::auth {
namespace {

RequestCredentials Bearer(const std::string& token) { return {"Bearer " + token, std::nullopt}; }

TEST(ParseBearerTokenTest, AcceptsBearerSchemeCaseInsensitively) {
  EXPECT_EQ(ParseBearerToken("Bearer abc"), "abc");
  EXPECT_EQ(ParseBearerToken("bearer   abc  "), "abc");
  EXPECT_EQ(ParseBearerToken("BEARER\tabc"), "abc");
  EXPECT_EQ(ParseBearerToken("Basic YWRtaW46eA=="), std::nullopt);
  EXPECT_EQ(ParseBearerToken("Bearer"), std::nullopt);
  EXPECT_EQ(ParseBearerToken("Bearer   "), std::nullopt);
  EXPECT_EQ(ParseBearerToken("Bearerabc"), std::nullopt);
  EXPECT_EQ(ParseBearerToken(""), std::nullopt);
}

TEST(TokenAuthenticatorTest, AdminTokenIsAdminInSystemMasters) {
  auto auth = TokenAuthenticator::ForAdminToken("s3cr3t-token");
  std::optional<UserInfo> user = auth->Authenticate(Bearer("s3cr3t-token"));
  ASSERT_TRUE(user.has_value());
  EXPECT_EQ(user->name, "admin");
  EXPECT_TRUE(user->InGroup("system:masters"));
}

TEST(TokenAuthenticatorTest, RejectsWrongMissingAndPrefixTokens) {
  auto auth = TokenAuthenticator::ForAdminToken("s3cr3t-token");
  EXPECT_FALSE(auth->Authenticate(Bearer("s3cr3t-tokeN")));
  EXPECT_FALSE(auth->Authenticate(Bearer("s3cr3t-token-and-more")));
  EXPECT_FALSE(auth->Authenticate(Bearer("s3cr3t")));
  EXPECT_FALSE(auth->Authenticate({"", std::nullopt}));
  EXPECT_FALSE(auth->Authenticate({"Basic s3cr3t-token", std::nullopt}));
  // A client certificate is not a token.
  EXPECT_FALSE(auth->Authenticate({"", ClientCertIdentity{"admin", {"system:masters"}}}));
}

TEST(TokenAuthenticatorTest, TokenFileWithSeveralUsers) {
  StatusOr<std::unique_ptr<TokenAuthenticator>> auth = TokenAuthenticator::FromFileContent(
      "# comment\n"
      "\n"
      "admintoken\n"
      "nodetoken,system:node:n1,uid-1,\"system:nodes,extra\"\n"
      "  bobtoken , bob , uid-2\n");
  ASSERT_TRUE(auth.ok()) << auth.status().ToString();
  EXPECT_EQ((*auth)->size(), 3u);

  std::optional<UserInfo> admin = (*auth)->Authenticate(Bearer("admintoken"));
  ASSERT_TRUE(admin);
  EXPECT_EQ(*admin, (UserInfo{"admin", {"system:masters"}}));
  std::optional<UserInfo> node = (*auth)->Authenticate(Bearer("nodetoken"));
  ASSERT_TRUE(node);
  EXPECT_EQ(*node, (UserInfo{"system:node:n1", {"system:nodes", "extra"}}));
  std::optional<UserInfo> bob = (*auth)->Authenticate(Bearer("bobtoken"));
  ASSERT_TRUE(bob);
  EXPECT_EQ(*bob, (UserInfo{"bob", {}}));
  EXPECT_FALSE((*auth)->Authenticate(Bearer("# comment")));
}

TEST(TokenAuthenticatorTest, MalformedTokenFilesAreRejectedWithLineNumbers) {
  StatusOr<std::unique_ptr<TokenAuthenticator>> two_fields =
      TokenAuthenticator::FromFileContent("ok\ntok,user\n");
  ASSERT_FALSE(two_fields.ok());
  EXPECT_NE(two_fields.status().message().find("line 2"), std::string::npos);
  EXPECT_FALSE(TokenAuthenticator::FromFileContent("tok,user,uid,\"unterminated\n").ok());
  EXPECT_FALSE(TokenAuthenticator::FromFileContent(",user,uid\n").ok());
  EXPECT_FALSE(TokenAuthenticator::FromFileContent("# only a comment\n\n").ok());
}

TEST(TokenAuthenticatorTest, ReadsAdminTokenFile) {
  std::string path = (std::filesystem::temp_directory_path() /
                      ("berth-authn-" + std::to_string(::getpid()) + ".token"))
                         .string();
  { std::ofstream(path) << "0123abcd\n"; }
  StatusOr<std::unique_ptr<TokenAuthenticator>> auth = TokenAuthenticator::FromFile(path);
  std::filesystem::remove(path);
  ASSERT_TRUE(auth.ok()) << auth.status().ToString();
  EXPECT_TRUE((*auth)->Authenticate(Bearer("0123abcd")));
  EXPECT_FALSE((*auth)->Authenticate(Bearer("0123abc")));

  StatusOr<std::unique_ptr<TokenAuthenticator>> missing = TokenAuthenticator::FromFile(path);
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().reason(), Reason::kNotFound);
}

TEST(CertAuthenticatorTest, CommonNameIsUserAndOrganizationsAreGroups) {
  CertAuthenticator auth;
  std::optional<UserInfo> user =
      auth.Authenticate({"", ClientCertIdentity{"system:node:n1", {"system:nodes", "b"}}});
  ASSERT_TRUE(user);
  EXPECT_EQ(*user, (UserInfo{"system:node:n1", {"system:nodes", "b"}}));
  EXPECT_FALSE(auth.Authenticate({"Bearer x", std::nullopt}));
  EXPECT_FALSE(auth.Authenticate({"", ClientCertIdentity{"", {"system:masters"}}}));
}

TEST(UnionAuthenticatorTest, EitherMethodWorksAndAddsAuthenticatedGroup) {
  std::vector<std::unique_ptr<Authenticator>> members;
  members.push_back(std::make_unique<CertAuthenticator>());
  members.push_back(TokenAuthenticator::ForAdminToken("tok"));
  UnionAuthenticator auth(std::move(members));

  std::optional<UserInfo> by_token = auth.Authenticate(Bearer("tok"));
  ASSERT_TRUE(by_token);
  EXPECT_EQ(*by_token, (UserInfo{"admin", {"system:masters", "system:authenticated"}}));

  std::optional<UserInfo> by_cert = auth.Authenticate({"", ClientCertIdentity{"alice", {"dev"}}});
  ASSERT_TRUE(by_cert);
  EXPECT_EQ(*by_cert, (UserInfo{"alice", {"dev", "system:authenticated"}}));

  // A valid certificate wins over a bad token (as in Kubernetes, x509 first).
  std::optional<UserInfo> both =
      auth.Authenticate({"Bearer wrong", ClientCertIdentity{"alice", {}}});
  ASSERT_TRUE(both);
  EXPECT_EQ(both->name, "alice");

  EXPECT_FALSE(auth.Authenticate(Bearer("wrong")));
  EXPECT_FALSE(auth.Authenticate({}));
}

TEST(UnauthorizedStatusTest, Is401) {
  Status s = UnauthorizedStatus();
  EXPECT_EQ(s.reason(), Reason::kUnauthorized);
  EXPECT_EQ(s.code(), 401);
  EXPECT_EQ(s.message(), "Unauthorized");
}

}  // namespace
}  // namespace berth::apiserver::auth
