#include "agent/service_account_tokens.h"

namespace berth::agent {

ServiceAccountTokens& ServiceAccountTokens::Shared() {
  static ServiceAccountTokens* tokens = new ServiceAccountTokens();
  return *tokens;
}

size_t ServiceAccountTokens::size() const {
  std::lock_guard<std::mutex> l(mu_);
  return entries_.size();
}

StatusOr<std::string> ServiceAccountTokens::Get(const json::object& pod, const json::object& source,
                                                const CreateFn& create, Clock::time_point now) {
  std::string ns = GetString(pod, {"metadata", "namespace"});
  std::string pod_name = GetString(pod, {"metadata", "name"});
  std::string pod_uid = GetString(pod, {"metadata", "uid"});
  std::string sa = GetString(pod, {"spec", "serviceAccountName"});
  if (sa.empty()) sa = "default";
  std::string audience = GetString(source, {"audience"});
  int64_t seconds = 3600;
  if (const auto* e = source.if_contains("expirationSeconds"); e && e->is_int64()) {
    seconds = e->as_int64();
  }
  std::string key = pod_uid + "/" + sa + "/" + audience + "/" + std::to_string(seconds);
  {
    std::lock_guard<std::mutex> l(mu_);
    for (auto it = entries_.begin(); it != entries_.end();) {
      it = it->second.expires <= now ? entries_.erase(it) : std::next(it);
    }
    auto it = entries_.find(key);
    if (it != entries_.end() && now < it->second.refresh_at) return it->second.token;
  }
  json::object spec{{"expirationSeconds", seconds},
                    {"boundObjectRef", json::object{{"apiVersion", "v1"},
                                                    {"kind", "Pod"},
                                                    {"name", pod_name},
                                                    {"uid", pod_uid}}}};
  if (!audience.empty()) spec["audiences"] = json::array{json::value(audience)};
  json::object body{{"apiVersion", "authentication.k8s.io/v1"},
                    {"kind", "TokenRequest"},
                    {"spec", std::move(spec)}};
  auto r = create("/api/v1/namespaces/" + ns + "/serviceaccounts/" + sa + "/token", body);
  if (!r.ok()) return r.status();
  std::string token = r->is_object() ? GetString(r->as_object(), {"status", "token"}) : "";
  if (token.empty()) return BadRequest("TokenRequest for " + ns + "/" + sa + " returned no token");
  Clock::time_point expires = now + std::chrono::seconds(seconds);
  std::string exp_s = GetString(r->as_object(), {"status", "expirationTimestamp"});
  Clock::time_point parsed;
  if (!exp_s.empty() && ParseRfc3339(exp_s, &parsed)) expires = parsed;
  Entry e{token, now + (expires - now) * 4 / 5, expires};
  std::lock_guard<std::mutex> l(mu_);
  entries_[key] = std::move(e);
  return token;
}

}  // namespace berth::agent
