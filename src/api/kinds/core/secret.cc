// core/v1 Secret: stringData folds into data (base64) on write, type Opaque by
// default, type-specific required keys, immutability.
#include <boost/beast/core/detail/base64.hpp>

#include "api/kinds/core/core_kinds.h"
#include "api/kinds/core/field_errors.h"
#include "api/kinds/kinds.h"

namespace berth::api::core {

namespace {

std::string Base64Encode(std::string_view in) {
  namespace b64 = boost::beast::detail::base64;
  std::string out(b64::encoded_size(in.size()), '\0');
  out.resize(b64::encode(out.data(), in.data(), in.size()));
  return out;
}

bool IsBase64(std::string_view s) {
  if (s.size() % 4 != 0) return false;
  size_t pad = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (c == '=') {
      ++pad;
      if (i + 2 < s.size()) return false;
      continue;
    }
    if (pad > 0) return false;
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '+' || c == '/')) return false;
  }
  return pad <= 2;
}

void DefaultSecret(json::object& secret) {
  if (StringAt(secret, "type").empty()) secret["type"] = "Opaque";
  auto sd = secret.find("stringData");
  if (sd == secret.end()) return;
  if (sd->value().is_object()) {
    if (!secret.contains("data") || !secret["data"].is_object()) secret["data"] = json::object();
    json::object& data = secret["data"].get_object();
    for (const auto& kv : secret["stringData"].get_object()) {
      if (kv.value().is_string()) data[kv.key()] = Base64Encode(kv.value().get_string());
    }
  }
  secret.erase("stringData");
}

void RequireKey(std::vector<Cause>& out, const json::object* data, const std::string& key) {
  if (data == nullptr || !data->contains(key)) out.push_back(RequiredCause("data[" + key + "]"));
}

std::vector<Cause> ValidateSecret(const json::object& secret, const json::object* old) {
  std::vector<Cause> out;
  const json::object* data = ObjectAt(secret, "data");
  size_t total = 0;
  if (data) {
    for (const auto& kv : *data) {
      std::string key(kv.key());
      AppendInvalid(out, "data[" + key + "]", json::value(key), ConfigMapKeyProblems(key));
      if (!kv.value().is_string() || !IsBase64(kv.value().get_string())) {
        out.push_back(InvalidCause("data[" + key + "]", kv.value(), "must be base64 encoded"));
        continue;
      }
      total += kv.value().get_string().size() / 4 * 3;
    }
  }
  if (total > 1024 * 1024) {
    out.push_back({"FieldValueTooLong", "Too long: must have at most 1048576 bytes", "data"});
  }
  std::string type = StringAt(secret, "type", "Opaque");
  if (type == "kubernetes.io/service-account-token") {
    if (StringAtPath(secret, {"metadata", "annotations", "kubernetes.io/service-account.name"})
            .empty()) {
      out.push_back(RequiredCause("metadata.annotations[kubernetes.io/service-account.name]"));
    }
  } else if (type == "kubernetes.io/dockercfg") {
    RequireKey(out, data, ".dockercfg");
  } else if (type == "kubernetes.io/dockerconfigjson") {
    RequireKey(out, data, ".dockerconfigjson");
  } else if (type == "kubernetes.io/basic-auth") {
    if (data == nullptr || (!data->contains("username") && !data->contains("password"))) {
      out.push_back(RequiredCause("data[username]"));
      out.push_back(RequiredCause("data[password]"));
    }
  } else if (type == "kubernetes.io/ssh-auth") {
    RequireKey(out, data, "ssh-privatekey");
  } else if (type == "kubernetes.io/tls") {
    RequireKey(out, data, "tls.key");
    RequireKey(out, data, "tls.crt");
  }
  if (old != nullptr) {
    std::string old_type = StringAt(*old, "type", "Opaque");
    if (old_type != type) out.push_back(InvalidCause("type", json::value(type), "field is immutable"));
  }
  ValidateImmutableData(out, secret, old);
  return out;
}

}  // namespace

ResourceType SecretType() {
  ResourceType t;
  t.version = "v1";
  t.kind = "Secret";
  t.plural = "secrets";
  t.singular = "secret";
  t.generation_tracks_spec = false;
  t.schema = KindSchema(
      "io.k8s.api.core.v1.Secret", "Sensitive data such as passwords, tokens or keys.",
      {
          F("data", MapOf(Bytes()), "Secret values by key, base64-encoded.", 2),
          F("type", String(), "Kind of secret, which fixes the required keys; default Opaque.", 3),
          F("stringData", StringMap(), "Write-only plain-text values merged into data.", 4),
          F("immutable", Bool(), "When true, data can no longer be changed.", 5),
      });
  t.default_fn = DefaultSecret;
  t.validate_fn = ValidateSecret;
  t.columns = {NameColumn(),
               {"Type", "string", "", "Kind of secret.", 0},
               {"Data", "integer", "", "Number of data entries.", 0},
               AgeColumn()};
  t.row_fn = [](const json::object& s, const HookContext& ctx) {
    const json::object* data = ObjectAt(s, "data");
    return json::array{json::value(StringAtPath(s, {"metadata", "name"})),
                       json::value(StringAt(s, "type")),
                       json::value(static_cast<int64_t>(data ? data->size() : 0)),
                       json::value(AgeCell(s, ctx))};
  };
  t.selectable_fields = {{"type", FieldAt({"type"})}};
  return t;
}

}  // namespace berth::api::core
