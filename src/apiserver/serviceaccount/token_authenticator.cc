#include "apiserver/serviceaccount/token_authenticator.h"

#include <algorithm>

#include "apiserver/serviceaccount/sa_claims.h"

namespace berth::apiserver::serviceaccount {

std::optional<auth::UserInfo> ServiceAccountTokenAuthenticator::Authenticate(
    const auth::RequestCredentials& creds) const {
  std::optional<std::string> token = auth::ParseBearerToken(creds.authorization);
  // Only JWTs (two dots) are worth a signature check; the admin token is hex.
  if (!token || std::count(token->begin(), token->end(), '.') != 2) return std::nullopt;
  auto claims = signer_->Verify(*token);
  if (!claims.ok()) return std::nullopt;
  auto id = ValidateClaims(*claims, clock_->Now(), issuer_, audiences_);
  if (!id.ok()) return std::nullopt;
  auto sa = objects_->Get("serviceaccounts", id->namespace_, id->name);
  if (!sa.ok() || GetString(*sa, {"metadata", "uid"}) != id->uid) return std::nullopt;
  if (!id->pod_name.empty()) {
    auto pod = objects_->Get("pods", id->namespace_, id->pod_name);
    if (!pod.ok() || GetString(*pod, {"metadata", "uid"}) != id->pod_uid) return std::nullopt;
  }
  return UserFor(*id);
}

}  // namespace berth::apiserver::serviceaccount
