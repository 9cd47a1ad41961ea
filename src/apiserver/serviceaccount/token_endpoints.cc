#include "apiserver/serviceaccount/token_endpoints.h"

#include "apiserver/rest/object_codec.h"
#include "apiserver/rest/status_json.h"
#include "apiserver/serviceaccount/sa_claims.h"

namespace berth::apiserver::serviceaccount {
namespace {

constexpr int64_t kDefaultExpirationSeconds = 3600;
constexpr int64_t kMinExpirationSeconds = 600;
constexpr int64_t kMaxExpirationSeconds = int64_t{1} << 32;

Status Invalid(const std::string& name, const std::string& field, json::value value,
               const std::string& why) {
  std::string shown = value.is_string() ? "\"" + std::string(value.as_string()) + "\""
                                        : json::serialize(value);
  return InvalidError("TokenRequest", "authentication.k8s.io", name,
                      {Cause{"FieldValueInvalid", "Invalid value: " + shown + ": " + why, field}});
}

}  // namespace

TokenEndpoints::TokenEndpoints(const TokenSigner* signer, const StoredObjects* objects,
                               const Clock* clock, IssuerConfig cfg)
    : signer_(signer), objects_(objects), clock_(clock), cfg_(std::move(cfg)) {
  if (cfg_.audiences.empty()) cfg_.audiences = {cfg_.issuer};
  if (cfg_.jwks_uri.empty()) cfg_.jwks_uri = cfg_.issuer + kJwksPath;
}

bool TokenEndpoints::Handles(const RequestInfo& info) {
  return info.is_resource && info.group.empty() && info.resource == "serviceaccounts" &&
         info.subresource == "token" && !info.name.empty();
}

Response TokenEndpoints::CreateToken(const RequestInfo& info, const Request& req) const {
  auto body = DecodeSubresourceObject(req, info.verb, "TokenRequest",
                                      "authentication.k8s.io/v1, Kind=TokenRequest");
  if (!body.ok()) return StatusResponse(body.status());
  const std::string& ns = info.namespace_;
  const std::string& name = info.name;
  json::object spec;
  if (const json::value* s = body->if_contains("spec"); s && s->is_object()) spec = s->as_object();

  int64_t expiration = kDefaultExpirationSeconds;
  if (const json::value* e = spec.if_contains("expirationSeconds"); e && !e->is_null()) {
    if (!e->is_int64() && !e->is_uint64()) {
      return StatusResponse(BadRequest("spec.expirationSeconds must be an integer"));
    }
    expiration = e->is_int64() ? e->as_int64() : static_cast<int64_t>(e->as_uint64());
    if (expiration < kMinExpirationSeconds) {
      return StatusResponse(Invalid(name, "spec.expirationSeconds", expiration,
                                    "may not specify a duration less than 10 minutes"));
    }
    if (expiration > kMaxExpirationSeconds) {
      return StatusResponse(Invalid(name, "spec.expirationSeconds", expiration,
                                    "may not specify a duration larger than 2^32 seconds"));
    }
  }
  std::vector<std::string> audiences;
  if (const json::value* a = spec.if_contains("audiences"); a && a->is_array()) {
    for (const auto& v : a->as_array())
      if (v.is_string() && !v.as_string().empty()) audiences.emplace_back(v.as_string());
  }
  if (audiences.empty()) audiences = cfg_.audiences;

  auto sa = objects_->Get("serviceaccounts", ns, name);
  if (!sa.ok()) return StatusResponse(sa.status());

  TokenSpec ts;
  ts.issuer = cfg_.issuer;
  ts.audiences = audiences;
  ts.namespace_ = ns;
  ts.service_account = name;
  ts.service_account_uid = GetString(*sa, {"metadata", "uid"});
  ts.issued_at = clock_->Now();
  ts.lifetime = std::chrono::seconds(expiration);
  ts.jti = NewUid();

  json::value bound_ref = nullptr;
  if (const json::value* b = spec.if_contains("boundObjectRef"); b && b->is_object()) {
    const json::object& ref = b->as_object();
    std::string kind = GetString(ref, {"kind"});
    std::string ref_name = GetString(ref, {"name"});
    std::string ref_uid = GetString(ref, {"uid"});
    std::string resource = kind == "Pod" ? "pods" : kind == "Secret" ? "secrets" : "";
    if (resource.empty()) {
      return StatusResponse(Invalid(name, "spec.boundObjectRef.kind", json::value(kind),
                                    "supported values: \"Pod\", \"Secret\""));
    }
    if (ref_name.empty()) {
      return StatusResponse(InvalidError(
          "TokenRequest", "authentication.k8s.io", name,
          {Cause{"FieldValueRequired", "Required value", "spec.boundObjectRef.name"}}));
    }
    auto obj = objects_->Get(resource, ns, ref_name);
    if (!obj.ok()) return StatusResponse(obj.status());
    std::string uid = GetString(*obj, {"metadata", "uid"});
    if (!ref_uid.empty() && ref_uid != uid) {
      return StatusResponse(ConflictError(resource, ref_name,
                                          "the UID in the bound object reference (" + ref_uid +
                                              ") does not match the UID in record. The object "
                                              "might have been deleted and then recreated"));
    }
    if (kind == "Pod" && GetString(*obj, {"spec", "serviceAccountName"}) != name) {
      return StatusResponse(BadRequest("cannot bind token for serviceaccount \"" + name +
                                       "\" to pod running with different serviceaccount name."));
    }
    ts.bound = BoundObject{kind, ref_name, uid};
    json::object out_ref{{"kind", kind}, {"apiVersion", "v1"}, {"name", ref_name}, {"uid", uid}};
    bound_ref = std::move(out_ref);
  }

  auto token = signer_->Sign(BuildClaims(ts));
  if (!token.ok()) return StatusResponse(token.status());

  json::array aud;
  for (const auto& a : audiences) aud.push_back(json::value(a));
  json::object out_spec{{"audiences", std::move(aud)}, {"expirationSeconds", expiration}};
  if (!bound_ref.is_null()) out_spec["boundObjectRef"] = std::move(bound_ref);
  json::object result{
      {"kind", "TokenRequest"},
      {"apiVersion", "authentication.k8s.io/v1"},
      {"metadata", json::object{{"name", name},
                                {"namespace", ns},
                                {"creationTimestamp", FormatRfc3339(ts.issued_at)}}},
      {"spec", std::move(out_spec)},
      {"status", json::object{{"token", *token},
                              {"expirationTimestamp",
                               FormatRfc3339(ts.issued_at + ts.lifetime)}}}};
  Response r;
  r.status = 201;
  r.body = json::serialize(result);
  return r;
}

bool TokenEndpoints::ServeDiscovery(const Request& req, Response* out) const {
  if (req.path == kOidcConfigPath) {
    out->body = json::serialize(json::object{
        {"issuer", cfg_.issuer},
        {"jwks_uri", cfg_.jwks_uri},
        {"response_types_supported", json::array{"id_token"}},
        {"subject_types_supported", json::array{"public"}},
        {"id_token_signing_alg_values_supported", json::array{"ES256"}}});
  } else if (req.path == kJwksPath) {
    out->content_type = "application/jwk-set+json";
    out->body = json::serialize(json::object{{"keys", json::array{signer_->public_jwk()}}});
  } else {
    return false;
  }
  out->headers.emplace_back("Cache-Control", "public, max-age=3600");
  return true;
}

}  // namespace berth::apiserver::serviceaccount
