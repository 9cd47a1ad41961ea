#include "apiserver/serviceaccount/token_signer.h"

#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/sha.h>

#include <filesystem>

#include "apiserver/serviceaccount/base64url.h"
#include "apiserver/tls/atomic_file.h"

namespace berth::apiserver::serviceaccount {
namespace {

constexpr size_t kCoordSize = 32;  // P-256

using MdCtxPtr = std::unique_ptr<EVP_MD_CTX, tls::OpensslDeleter<EVP_MD_CTX, EVP_MD_CTX_free>>;
using EcdsaSigPtr = std::unique_ptr<ECDSA_SIG, tls::OpensslDeleter<ECDSA_SIG, ECDSA_SIG_free>>;

Status OpensslError(const std::string& what) {
  unsigned long e = ERR_get_error();
  char buf[256] = "unknown error";
  if (e != 0) ERR_error_string_n(e, buf, sizeof buf);
  ERR_clear_error();
  return InternalError(what + ": " + buf);
}

Status Unauthorized(const std::string& why) {
  return Status(Reason::kUnauthorized, "invalid service account token: " + why);
}

std::string PaddedBytes(const BIGNUM* bn) {
  std::string out(kCoordSize, '\0');
  BN_bn2binpad(bn, reinterpret_cast<unsigned char*>(out.data()), kCoordSize);
  return out;
}

}  // namespace

StatusOr<std::unique_ptr<TokenSigner>> TokenSigner::FromPrivateKeyPem(const std::string& pem) {
  tls::BioPtr bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  EVP_PKEY* raw = bio ? PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr) : nullptr;
  if (!raw) return OpensslError("read service account signing key");
  std::unique_ptr<TokenSigner> s(new TokenSigner(tls::EvpPkeyPtr(raw)));
  BERTH_RETURN_IF_ERROR(s->Init());
  return s;
}

StatusOr<std::unique_ptr<TokenSigner>> TokenSigner::Generate() {
  EVP_PKEY* raw = EVP_EC_gen("P-256");
  if (!raw) return OpensslError("generate service account signing key");
  std::unique_ptr<TokenSigner> s(new TokenSigner(tls::EvpPkeyPtr(raw)));
  BERTH_RETURN_IF_ERROR(s->Init());
  return s;
}

StatusOr<std::unique_ptr<TokenSigner>> TokenSigner::LoadOrCreate(const std::string& key_path) {
  std::error_code ec;
  if (std::filesystem::exists(key_path, ec)) {
    StatusOr<std::string> pem = tls::ReadWholeFile(key_path);
    if (!pem.ok()) return pem.status();
    auto s = FromPrivateKeyPem(*pem);
    if (!s.ok()) return InternalError(key_path + ": " + s.status().message());
    return s;
  }
  auto s = Generate();
  if (!s.ok()) return s.status();
  StatusOr<std::string> pem = (*s)->PrivateKeyPem();
  if (!pem.ok()) return pem.status();
  BERTH_RETURN_IF_ERROR(tls::WriteFileAtomically(key_path, *pem, 0600));
  return s;
}

Status TokenSigner::Init() {
  if (!EVP_PKEY_is_a(key_.get(), "EC") || EVP_PKEY_get_bits(key_.get()) != 256) {
    return InternalError("the service account signing key must be an EC P-256 key");
  }
  BIGNUM* x = nullptr;
  BIGNUM* y = nullptr;
  if (EVP_PKEY_get_bn_param(key_.get(), OSSL_PKEY_PARAM_EC_PUB_X, &x) != 1 ||
      EVP_PKEY_get_bn_param(key_.get(), OSSL_PKEY_PARAM_EC_PUB_Y, &y) != 1) {
    BN_free(x);
    BN_free(y);
    return OpensslError("read the public key");
  }
  tls::BignumPtr xp(x), yp(y);
  unsigned char* der = nullptr;
  int der_len = i2d_PUBKEY(key_.get(), &der);
  if (der_len <= 0) return OpensslError("encode the public key");
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(der, static_cast<size_t>(der_len), digest);
  OPENSSL_free(der);
  kid_ = Base64UrlEncode(std::string_view(reinterpret_cast<char*>(digest), sizeof digest));
  jwk_ = json::object{{"use", "sig"},
                      {"kty", "EC"},
                      {"kid", kid_},
                      {"crv", "P-256"},
                      {"alg", "ES256"},
                      {"x", Base64UrlEncode(PaddedBytes(x))},
                      {"y", Base64UrlEncode(PaddedBytes(y))}};
  return {};
}

StatusOr<std::string> TokenSigner::PrivateKeyPem() const {
  tls::BioPtr bio(BIO_new(BIO_s_mem()));
  if (!bio ||
      PEM_write_bio_PrivateKey(bio.get(), key_.get(), nullptr, nullptr, 0, nullptr, nullptr) != 1) {
    return OpensslError("encode service account signing key");
  }
  char* data = nullptr;
  long len = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<size_t>(len));
}

StatusOr<std::string> TokenSigner::Sign(const json::object& claims) const {
  json::object header{{"alg", "ES256"}, {"kid", kid_}};
  std::string input =
      Base64UrlEncode(json::serialize(header)) + "." + Base64UrlEncode(json::serialize(claims));
  MdCtxPtr ctx(EVP_MD_CTX_new());
  size_t der_len = 0;
  if (!ctx || EVP_DigestSignInit(ctx.get(), nullptr, EVP_sha256(), nullptr, key_.get()) != 1 ||
      EVP_DigestSign(ctx.get(), nullptr, &der_len,
                     reinterpret_cast<const unsigned char*>(input.data()), input.size()) != 1) {
    return OpensslError("sign token");
  }
  std::string der(der_len, '\0');
  if (EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(der.data()), &der_len,
                     reinterpret_cast<const unsigned char*>(input.data()), input.size()) != 1) {
    return OpensslError("sign token");
  }
  const unsigned char* p = reinterpret_cast<const unsigned char*>(der.data());
  EcdsaSigPtr sig(d2i_ECDSA_SIG(nullptr, &p, static_cast<long>(der_len)));
  if (!sig) return OpensslError("decode signature");
  const BIGNUM* r = nullptr;
  const BIGNUM* s = nullptr;
  ECDSA_SIG_get0(sig.get(), &r, &s);
  return input + "." + Base64UrlEncode(PaddedBytes(r) + PaddedBytes(s));
}

StatusOr<json::object> TokenSigner::Verify(std::string_view token) const {
  size_t dot1 = token.find('.');
  size_t dot2 = dot1 == std::string_view::npos ? dot1 : token.find('.', dot1 + 1);
  if (dot2 == std::string_view::npos || token.find('.', dot2 + 1) != std::string_view::npos) {
    return Unauthorized("not a JWT");
  }
  auto header_bytes = Base64UrlDecode(token.substr(0, dot1));
  auto payload_bytes = Base64UrlDecode(token.substr(dot1 + 1, dot2 - dot1 - 1));
  auto sig_bytes = Base64UrlDecode(token.substr(dot2 + 1));
  if (!header_bytes || !payload_bytes || !sig_bytes) return Unauthorized("bad encoding");
  auto header = ParseJson(*header_bytes);
  if (!header.ok() || !header->is_object()) return Unauthorized("bad header");
  if (GetString(header->as_object(), {"alg"}) != "ES256") return Unauthorized("unexpected alg");
  std::string kid = GetString(header->as_object(), {"kid"});
  if (!kid.empty() && kid != kid_) return Unauthorized("unknown key id");
  if (sig_bytes->size() != 2 * kCoordSize) return Unauthorized("bad signature length");

  EcdsaSigPtr sig(ECDSA_SIG_new());
  BIGNUM* r = BN_bin2bn(reinterpret_cast<const unsigned char*>(sig_bytes->data()), kCoordSize,
                        nullptr);
  BIGNUM* s = BN_bin2bn(reinterpret_cast<const unsigned char*>(sig_bytes->data()) + kCoordSize,
                        kCoordSize, nullptr);
  if (!sig || !r || !s || ECDSA_SIG_set0(sig.get(), r, s) != 1) {
    BN_free(r);
    BN_free(s);
    return OpensslError("build signature");
  }
  unsigned char* der = nullptr;
  int der_len = i2d_ECDSA_SIG(sig.get(), &der);
  if (der_len <= 0) return OpensslError("encode signature");
  std::string_view input = token.substr(0, dot2);
  MdCtxPtr ctx(EVP_MD_CTX_new());
  int ok = ctx && EVP_DigestVerifyInit(ctx.get(), nullptr, EVP_sha256(), nullptr, key_.get()) == 1
               ? EVP_DigestVerify(ctx.get(), der, static_cast<size_t>(der_len),
                                  reinterpret_cast<const unsigned char*>(input.data()),
                                  input.size())
               : -1;
  OPENSSL_free(der);
  ERR_clear_error();
  if (ok != 1) return Unauthorized("signature does not verify");
  auto payload = ParseJson(*payload_bytes);
  if (!payload.ok() || !payload->is_object()) return Unauthorized("bad payload");
  return payload->as_object();
}

}  // namespace berth::apiserver::serviceaccount
