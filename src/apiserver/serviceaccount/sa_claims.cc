#include "apiserver/serviceaccount/sa_claims.h"

#include <algorithm>

namespace berth::apiserver::serviceaccount {
namespace {

constexpr int64_t kNotBeforeLeewaySeconds = 60;

int64_t UnixSeconds(Clock::time_point t) {
  return std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count();
}

Status Unauthorized(const std::string& why) {
  return Status(Reason::kUnauthorized, "invalid service account token: " + why);
}

std::optional<int64_t> IntClaim(const json::object& claims, const char* name) {
  const json::value* v = claims.if_contains(name);
  if (!v) return std::nullopt;
  if (v->is_int64()) return v->as_int64();
  if (v->is_uint64()) return static_cast<int64_t>(v->as_uint64());
  if (v->is_double()) return static_cast<int64_t>(v->as_double());
  return std::nullopt;
}

}  // namespace

json::object BuildClaims(const TokenSpec& spec) {
  int64_t iat = UnixSeconds(spec.issued_at);
  json::array aud;
  for (const auto& a : spec.audiences) aud.push_back(json::value(a));
  json::object k8s{{"namespace", spec.namespace_},
                   {"serviceaccount", json::object{{"name", spec.service_account},
                                                   {"uid", spec.service_account_uid}}}};
  if (spec.bound) {
    std::string field = spec.bound->kind == "Pod" ? "pod" : "secret";
    k8s[field] = json::object{{"name", spec.bound->name}, {"uid", spec.bound->uid}};
  }
  json::object claims{{"aud", std::move(aud)},
                      {"exp", iat + spec.lifetime.count()},
                      {"iat", iat},
                      {"iss", spec.issuer},
                      {"kubernetes.io", std::move(k8s)},
                      {"nbf", iat},
                      {"sub", "system:serviceaccount:" + spec.namespace_ + ":" +
                                  spec.service_account}};
  if (!spec.jti.empty()) claims["jti"] = spec.jti;
  return claims;
}

StatusOr<ServiceAccountIdentity> ValidateClaims(const json::object& claims, Clock::time_point now,
                                                const std::string& issuer,
                                                const std::vector<std::string>& audiences) {
  if (GetString(claims, {"iss"}) != issuer) return Unauthorized("unknown issuer");
  std::vector<std::string> aud;
  if (const json::value* a = claims.if_contains("aud")) {
    if (a->is_string()) aud.emplace_back(a->as_string());
    if (a->is_array())
      for (const auto& e : a->as_array())
        if (e.is_string()) aud.emplace_back(e.as_string());
  }
  bool audience_ok = std::any_of(aud.begin(), aud.end(), [&](const std::string& x) {
    return std::find(audiences.begin(), audiences.end(), x) != audiences.end();
  });
  if (!audience_ok) return Unauthorized("token audiences are not accepted");
  int64_t t = UnixSeconds(now);
  auto exp = IntClaim(claims, "exp");
  if (!exp || t >= *exp) return Unauthorized("token has expired");
  if (auto nbf = IntClaim(claims, "nbf"); nbf && t + kNotBeforeLeewaySeconds < *nbf) {
    return Unauthorized("token is not valid yet");
  }
  ServiceAccountIdentity id;
  id.namespace_ = GetString(claims, {"kubernetes.io", "namespace"});
  id.name = GetString(claims, {"kubernetes.io", "serviceaccount", "name"});
  id.uid = GetString(claims, {"kubernetes.io", "serviceaccount", "uid"});
  id.pod_name = GetString(claims, {"kubernetes.io", "pod", "name"});
  id.pod_uid = GetString(claims, {"kubernetes.io", "pod", "uid"});
  if (id.namespace_.empty() || id.name.empty() || id.uid.empty()) {
    return Unauthorized("missing kubernetes.io claims");
  }
  if (GetString(claims, {"sub"}) != "system:serviceaccount:" + id.namespace_ + ":" + id.name) {
    return Unauthorized("subject does not match the service account");
  }
  return id;
}

auth::UserInfo UserFor(const ServiceAccountIdentity& id) {
  return auth::UserInfo{"system:serviceaccount:" + id.namespace_ + ":" + id.name,
                        {"system:serviceaccounts", "system:serviceaccounts:" + id.namespace_}};
}

}  // namespace berth::apiserver::serviceaccount
