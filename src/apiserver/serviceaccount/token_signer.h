// TokenSigner: signs and verifies service account tokens, JWTs in compact form with ES256
// (ECDSA P-256 + SHA-256, the signature as r||s, RFC 7518 section 3.4), and publishes the public
// key as a JWK for OIDC discovery.
//
// The key lives in <data-dir>/pki/sa.key (PKCS#8 PEM, 0600): LoadOrCreate generates it once and
// reuses it afterwards, so tokens stay valid across restarts. The key id ("kid" header and JWK)
// is base64url(SHA-256(DER SubjectPublicKeyInfo)), as kube-apiserver derives it.
//
// Verify checks only the structure, the algorithm and the signature; what the claims mean (expiry,
// audience, issuer) is sa_claims.h's job.
// Thread-safety: immutable after construction; Sign/Verify may run concurrently.
// Errors: InternalError for key I/O or OpenSSL failures (also a key that is not EC P-256);
// Verify returns Unauthorized with a short reason.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "apiserver/tls/openssl_ptr.h"
#include "common/json.h"
#include "common/status.h"

namespace berth::apiserver::serviceaccount {

inline constexpr char kSigningKeyFile[] = "sa.key";

class TokenSigner {
 public:
  // A private key in PEM (any form PEM_read_bio_PrivateKey reads); must be EC P-256.
  static StatusOr<std::unique_ptr<TokenSigner>> FromPrivateKeyPem(const std::string& pem);
  // A new random P-256 key (tests).
  static StatusOr<std::unique_ptr<TokenSigner>> Generate();
  // Reads `key_path`, or creates it (mode 0600, written atomically) when missing.
  static StatusOr<std::unique_ptr<TokenSigner>> LoadOrCreate(const std::string& key_path);

  // header.payload.signature with header {"alg":"ES256","kid":key_id()}.
  StatusOr<std::string> Sign(const json::object& claims) const;
  // The claims of a token this key signed.
  StatusOr<json::object> Verify(std::string_view token) const;

  const std::string& key_id() const { return kid_; }
  // {"use":"sig","kty":"EC","kid":...,"crv":"P-256","alg":"ES256","x":...,"y":...}
  const json::object& public_jwk() const { return jwk_; }
  // PKCS#8 PEM of the private key.
  StatusOr<std::string> PrivateKeyPem() const;

 private:
  explicit TokenSigner(tls::EvpPkeyPtr key) : key_(std::move(key)) {}
  Status Init();

  tls::EvpPkeyPtr key_;
  std::string kid_;
  json::object jwk_;
};

}  // namespace berth::apiserver::serviceaccount
