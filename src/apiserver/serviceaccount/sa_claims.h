// The claims of a service account token (kube's "private claims" layout) and their validation.
//
//   iss, sub = system:serviceaccount:<ns>:<name>, aud (array), exp, iat, nbf, jti,
//   kubernetes.io: {namespace, serviceaccount: {name, uid}, pod: {name, uid} (when bound)}
//
// ValidateClaims checks issuer, audience (one of the token's audiences must be one the server
// accepts), nbf (60 s leeway for clock skew) and exp, and returns who the token speaks for;
// whether that service account (and pod) still exist is the authenticator's check.
// Pure functions; thread-safe. Errors: Unauthorized with a short reason.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "apiserver/auth/authn.h"
#include "common/clock.h"
#include "common/json.h"
#include "common/status.h"

namespace berth::apiserver::serviceaccount {

struct BoundObject {
  std::string kind;  // "Pod" (the only binding berth checks) or "Secret"
  std::string name;
  std::string uid;
};

struct TokenSpec {
  std::string issuer;
  std::vector<std::string> audiences;
  std::string namespace_;
  std::string service_account;
  std::string service_account_uid;
  std::optional<BoundObject> bound;
  Clock::time_point issued_at;
  std::chrono::seconds lifetime{3600};
  std::string jti;  // unique token id; may be empty
};

json::object BuildClaims(const TokenSpec& spec);

struct ServiceAccountIdentity {
  std::string namespace_;
  std::string name;
  std::string uid;
  std::string pod_name;  // empty when the token is not bound to a pod
  std::string pod_uid;
};

StatusOr<ServiceAccountIdentity> ValidateClaims(const json::object& claims, Clock::time_point now,
                                                const std::string& issuer,
                                                const std::vector<std::string>& audiences);

// "system:serviceaccount:<ns>:<name>" with groups system:serviceaccounts,
// system:serviceaccounts:<ns> (system:authenticated is added by the UnionAuthenticator).
auth::UserInfo UserFor(const ServiceAccountIdentity& id);

}  // namespace berth::apiserver::serviceaccount
