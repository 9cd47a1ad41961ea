// TokenEndpoints: the HTTP side of service account tokens.
//
// - POST /api/v1/namespaces/<ns>/serviceaccounts/<name>/token (authentication.k8s.io/v1
//   TokenRequest): spec.audiences (default: the API audiences), spec.expirationSeconds (default
//   3600, at least 600, at most 2^32), spec.boundObjectRef (kind Pod or Secret; the object must
//   exist, match a given uid, and a pod must run as this service account). Answers 201 with the
//   TokenRequest and status {token, expirationTimestamp}. 404 when the account is missing, 422
//   for invalid specs, 405 for other verbs.
// - GET /.well-known/openid-configuration and GET /openid/v1/jwks: OIDC discovery of the issuer
//   (issuer, jwks_uri, response/subject types, ES256) and the public key as a JWK set.
//
// Thread-safety: immutable after construction; handlers run concurrently.
#pragma once

#include <string>
#include <vector>

#include "apiserver/http/request.h"
#include "apiserver/rest/request_info.h"
#include "apiserver/serviceaccount/stored_objects.h"
#include "apiserver/serviceaccount/token_signer.h"
#include "common/clock.h"

namespace berth::apiserver::serviceaccount {

inline constexpr char kDefaultIssuer[] = "https://kubernetes.default.svc.cluster.local";
inline constexpr char kOidcConfigPath[] = "/.well-known/openid-configuration";
inline constexpr char kJwksPath[] = "/openid/v1/jwks";

struct IssuerConfig {
  std::string issuer = kDefaultIssuer;
  std::vector<std::string> audiences;  // tokens the API accepts; empty = {issuer}
  std::string jwks_uri;                // empty = issuer + kJwksPath
};

class TokenEndpoints {
 public:
  // Every pointer outlives this; `cfg` gets its defaults filled in.
  TokenEndpoints(const TokenSigner* signer, const StoredObjects* objects, const Clock* clock,
                 IssuerConfig cfg);

  // True for requests this handles: serviceaccounts/token in the core group.
  static bool Handles(const RequestInfo& info);
  Response CreateToken(const RequestInfo& info, const Request& req) const;
  // Fills `out` for the two discovery paths; false for any other path.
  bool ServeDiscovery(const Request& req, Response* out) const;

  const IssuerConfig& config() const { return cfg_; }

 private:
  const TokenSigner* signer_;
  const StoredObjects* objects_;
  const Clock* clock_;
  IssuerConfig cfg_;
};

}  // namespace berth::apiserver::serviceaccount
