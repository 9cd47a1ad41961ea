// ServiceAccountTokenAuthenticator: accepts "Authorization: Bearer <jwt>" service account tokens
// this server signed (TokenSigner) whose claims are valid now (sa_claims.h: issuer, audience,
// expiry) and whose ServiceAccount still exists with the token's uid — and, for a token bound to
// a pod, whose pod still exists with the bound uid. The user is
// system:serviceaccount:<ns>:<name> in system:serviceaccounts and system:serviceaccounts:<ns>.
// Anything else (another kind of token, a bad signature, a deleted account) is not recognised,
// so the union moves on and the request ends as 401.
// Thread-safety: immutable after construction; safe for concurrent calls.
#pragma once

#include <string>
#include <vector>

#include "apiserver/auth/authn.h"
#include "apiserver/serviceaccount/stored_objects.h"
#include "apiserver/serviceaccount/token_signer.h"
#include "common/clock.h"

namespace berth::apiserver::serviceaccount {

class ServiceAccountTokenAuthenticator : public auth::Authenticator {
 public:
  // Every pointer outlives this.
  ServiceAccountTokenAuthenticator(const TokenSigner* signer, const StoredObjects* objects,
                                   const Clock* clock, std::string issuer,
                                   std::vector<std::string> audiences)
      : signer_(signer), objects_(objects), clock_(clock), issuer_(std::move(issuer)),
        audiences_(std::move(audiences)) {}

  std::optional<auth::UserInfo> Authenticate(const auth::RequestCredentials& creds) const override;

 private:
  const TokenSigner* signer_;
  const StoredObjects* objects_;
  const Clock* clock_;
  std::string issuer_;
  std::vector<std::string> audiences_;
};

}  // namespace berth::apiserver::serviceaccount
