// TokenSigner: ES256 round trips, rejection of tampered or foreign tokens, the JWK (checked by
// rebuilding the public key from x/y and verifying a signature with it), and the key file.
#include "apiserver/serviceaccount/token_signer.h"

#include <gtest/gtest.h>
#include <openssl/core_names.h>
#include <openssl/param_build.h>
#include <sys/stat.h>

#include <filesystem>

#include "apiserver/serviceaccount/base64url.h"

namespace berth::apiserver::serviceaccount {
namespace {

std::unique_ptr<TokenSigner> NewSigner() {
  auto s = TokenSigner::Generate();
  EXPECT_TRUE(s.ok()) << s.status().ToString();
  return std::move(*s);
}

TEST(Base64Url, RoundTripsAllLengths) {
  std::string bytes;
  for (int i = 0; i < 40; ++i) {
    bytes.push_back(static_cast<char>(i * 37 + 250));
    auto enc = Base64UrlEncode(bytes);
    EXPECT_EQ(enc.find_first_of("+/="), std::string::npos) << enc;
    auto dec = Base64UrlDecode(enc);
    ASSERT_TRUE(dec.has_value());
    EXPECT_EQ(*dec, bytes);
  }
  EXPECT_EQ(Base64UrlEncode("hi?"), "aGk_");
  EXPECT_FALSE(Base64UrlDecode("ab+c").has_value());
  EXPECT_FALSE(Base64UrlDecode("abcde").has_value());
}

TEST(TokenSigner, SignsAndVerifies) {
  auto s = NewSigner();
  json::object claims{{"sub", "system:serviceaccount:a:b"}, {"exp", 123}};
  auto token = s->Sign(claims);
  ASSERT_TRUE(token.ok());
  auto header = Base64UrlDecode(token->substr(0, token->find('.')));
  ASSERT_TRUE(header.has_value());
  auto h = ParseJson(*header);
  ASSERT_TRUE(h.ok());
  EXPECT_EQ(GetString(h->as_object(), {"alg"}), "ES256");
  EXPECT_EQ(GetString(h->as_object(), {"kid"}), s->key_id());
  auto back = s->Verify(*token);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(*back, claims);
}

TEST(TokenSigner, RejectsTamperedAndForeignTokens) {
  auto s = NewSigner();
  auto other = NewSigner();
  auto token = s->Sign(json::object{{"sub", "x"}});
  ASSERT_TRUE(token.ok());
  // A different payload under the same signature.
  size_t d1 = token->find('.'), d2 = token->rfind('.');
  std::string forged = token->substr(0, d1 + 1) + Base64UrlEncode(R"({"sub":"admin"})") +
                       token->substr(d2);
  EXPECT_EQ(s->Verify(forged).status().reason(), Reason::kUnauthorized);
  // A flipped signature bit.
  std::string flipped = *token;
  flipped[flipped.size() - 10] = flipped[flipped.size() - 10] == 'A' ? 'B' : 'A';  // (the last character holds padding bits)
  EXPECT_FALSE(s->Verify(flipped).ok());
  // Signed by another key (its kid differs too).
  auto foreign = other->Sign(json::object{{"sub", "x"}});
  ASSERT_TRUE(foreign.ok());
  EXPECT_FALSE(s->Verify(*foreign).ok());
  // alg=none with an empty signature.
  std::string none = Base64UrlEncode(R"({"alg":"none"})") + "." +
                     Base64UrlEncode(R"({"sub":"x"})") + ".";
  EXPECT_FALSE(s->Verify(none).ok());
  EXPECT_FALSE(s->Verify("abc").ok());
  EXPECT_FALSE(s->Verify("a.b.c.d").ok());
}

// Rebuilds an EC public key from the JWK's x and y and verifies a token's signature with it.
TEST(TokenSigner, JwkVerifiesTokens) {
  auto s = NewSigner();
  const json::object& jwk = s->public_jwk();
  EXPECT_EQ(GetString(jwk, {"kty"}), "EC");
  EXPECT_EQ(GetString(jwk, {"crv"}), "P-256");
  EXPECT_EQ(GetString(jwk, {"alg"}), "ES256");
  EXPECT_EQ(GetString(jwk, {"use"}), "sig");
  EXPECT_EQ(GetString(jwk, {"kid"}), s->key_id());
  auto x = Base64UrlDecode(GetString(jwk, {"x"}));
  auto y = Base64UrlDecode(GetString(jwk, {"y"}));
  ASSERT_TRUE(x && y);
  ASSERT_EQ(x->size(), 32u);
  ASSERT_EQ(y->size(), 32u);
  std::string point = "\x04" + *x + *y;

  OSSL_PARAM_BLD* bld = OSSL_PARAM_BLD_new();
  OSSL_PARAM_BLD_push_utf8_string(bld, OSSL_PKEY_PARAM_GROUP_NAME, "prime256v1", 0);
  OSSL_PARAM_BLD_push_octet_string(bld, OSSL_PKEY_PARAM_PUB_KEY, point.data(), point.size());
  OSSL_PARAM* params = OSSL_PARAM_BLD_to_param(bld);
  EVP_PKEY_CTX* ctx = EVP_PKEY_CTX_new_from_name(nullptr, "EC", nullptr);
  EVP_PKEY* pub = nullptr;
  ASSERT_EQ(EVP_PKEY_fromdata_init(ctx), 1);
  ASSERT_EQ(EVP_PKEY_fromdata(ctx, &pub, EVP_PKEY_PUBLIC_KEY, params), 1);

  auto token = s->Sign(json::object{{"sub", "x"}});
  ASSERT_TRUE(token.ok());
  size_t d2 = token->rfind('.');
  auto raw = Base64UrlDecode(token->substr(d2 + 1));
  ASSERT_TRUE(raw && raw->size() == 64);
  ECDSA_SIG* sig = ECDSA_SIG_new();
  ECDSA_SIG_set0(sig, BN_bin2bn(reinterpret_cast<const unsigned char*>(raw->data()), 32, nullptr),
                 BN_bin2bn(reinterpret_cast<const unsigned char*>(raw->data()) + 32, 32, nullptr));
  unsigned char* der = nullptr;
  int der_len = i2d_ECDSA_SIG(sig, &der);
  EVP_MD_CTX* md = EVP_MD_CTX_new();
  ASSERT_EQ(EVP_DigestVerifyInit(md, nullptr, EVP_sha256(), nullptr, pub), 1);
  std::string input = token->substr(0, d2);
  EXPECT_EQ(EVP_DigestVerify(md, der, der_len, reinterpret_cast<const unsigned char*>(input.data()),
                             input.size()),
            1);
  EXPECT_NE(EVP_DigestVerify(md, der, der_len, reinterpret_cast<const unsigned char*>("x"), 1), 1);
  EVP_MD_CTX_free(md);
  OPENSSL_free(der);
  ECDSA_SIG_free(sig);
  EVP_PKEY_free(pub);
  EVP_PKEY_CTX_free(ctx);
  OSSL_PARAM_free(params);
  OSSL_PARAM_BLD_free(bld);
}

TEST(TokenSigner, KeyFileIsCreatedOnceAndReused) {
  std::string dir = "/tmp/berth-sakey-" + std::to_string(getpid());
  std::filesystem::create_directories(dir);
  std::string path = dir + "/sa.key";
  auto a = TokenSigner::LoadOrCreate(path);
  ASSERT_TRUE(a.ok()) << a.status().ToString();
  struct stat st;
  ASSERT_EQ(stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  auto b = TokenSigner::LoadOrCreate(path);
  ASSERT_TRUE(b.ok());
  EXPECT_EQ((*a)->key_id(), (*b)->key_id());
  auto token = (*a)->Sign(json::object{{"sub", "x"}});
  ASSERT_TRUE(token.ok());
  EXPECT_TRUE((*b)->Verify(*token).ok());
  std::filesystem::remove_all(dir);
  // A key that is not EC P-256 is refused.
  EXPECT_FALSE(TokenSigner::FromPrivateKeyPem("not a key").ok());
}

}  // namespace
}  // namespace berth::apiserver::serviceaccount
