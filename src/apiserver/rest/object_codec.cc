#include "apiserver/rest/object_codec.h"

#include <openssl/rand.h>

#include <cstdio>

#include "common/json.h"

namespace berth::apiserver {

std::string ObjectPrefix(const api::ResourceType& t, const std::string& ns) {
  const std::string& group = t.storage_group ? *t.storage_group : t.group;
  std::string p = "/registry/" + (group.empty() ? std::string("core") : group) + "/" + t.plural + "/";
  if (t.namespaced && !ns.empty()) p += ns + "/";
  return p;
}

std::string ObjectKey(const api::ResourceType& t, const std::string& ns, const std::string& name) {
  return ObjectPrefix(t, ns) + name;
}

StatusOr<json::object> DecodeStored(const store::KeyValue& kv) {
  boost::system::error_code ec;
  json::value v = json::parse(kv.value, ec);
  if (ec || !v.is_object()) return InternalError("corrupt stored object at " + kv.key);
  json::object& o = v.as_object();
  EnsureObject(v, {"metadata"})["resourceVersion"] = std::to_string(kv.mod_revision);
  return std::move(o);
}

std::string EncodeForStore(json::object obj) {
  if (auto* m = obj.if_contains("metadata"); m && m->is_object()) {
    m->as_object().erase("resourceVersion");
    m->as_object().erase("selfLink");
  }
  return json::serialize(obj);
}

StatusOr<json::object> DecodeStored(const api::ResourceType& t, const store::KeyValue& kv) {
  auto o = DecodeStored(kv);
  if (o.ok() && t.from_storage) t.from_storage(*o);
  return o;
}

std::string EncodeForStore(const api::ResourceType& t, json::object obj) {
  if (t.to_storage) t.to_storage(obj);
  return EncodeForStore(std::move(obj));
}

StatusOr<FieldValidation> ParseFieldValidation(const Request& req) {
  auto v = req.Query("fieldValidation");
  if (!v || v->empty() || *v == "Warn") return FieldValidation::kWarn;
  if (*v == "Strict") return FieldValidation::kStrict;
  if (*v == "Ignore") return FieldValidation::kIgnore;
  return BadRequest("fieldValidation parameter unsupported: " + *v +
                    " (supported values: Ignore, Warn, Strict)");
}

std::string RandomNameSuffix() {
  static const char kAlphabet[] = "bcdfghjklmnpqrstvwxz2456789";
  unsigned char buf[5];
  RAND_bytes(buf, sizeof buf);
  std::string s;
  for (unsigned char b : buf) s += kAlphabet[b % (sizeof(kAlphabet) - 1)];
  return s;
}

std::string NewUid() {
  unsigned char b[16];
  RAND_bytes(b, sizeof b);
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  char out[37];
  std::snprintf(out, sizeof out,
                "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", b[0], b[1],
                b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13], b[14],
                b[15]);
  return out;
}

}  // namespace berth::apiserver

namespace berth::apiserver {

namespace {
std::string MediaType(const std::string& content_type) {
  std::string mt = content_type.substr(0, content_type.find(';'));
  while (!mt.empty() && mt.back() == ' ') mt.pop_back();
  for (auto& c : mt) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return mt;
}
}  // namespace

StatusOr<json::value> DecodeBody(const Request& req, const api::ResourceType* type,
                                 std::vector<std::string>* duplicates) {
  std::string mt = MediaType(req.Header("content-type"));
  if (mt.empty() || mt == "application/json") return ParseJson(req.body, duplicates);
  if (mt == "application/yaml" || mt == "application/x-yaml" || mt == "text/yaml") {
    return ParseJsonOrYaml(req.body, duplicates);
  }
  if (mt == "application/vnd.kubernetes.protobuf" && protobuf_decoder) {
    return protobuf_decoder(req.body, type);
  }
  return Status(Reason::kUnsupportedMediaType,
                "the body of the request was in an unknown format - accepted media types "
                "include: application/json, application/yaml, "
                "application/vnd.kubernetes.protobuf");
}

StatusOr<json::object> DecodeSubresourceObject(const Request& req, const std::string& verb,
                                               const std::string& kind,
                                               const std::string& path_gvk) {
  if (verb != "create") {
    return Status(Reason::kMethodNotAllowed,
                  "the server does not allow this method on the requested resource");
  }
  std::vector<std::string> dups;
  auto body = DecodeBody(req, nullptr, &dups);
  if (!body.ok()) return body.status();
  if (!body->is_object()) return BadRequest("the request body must be an object");
  std::string got = GetString(body->as_object(), {"kind"});
  if (!got.empty() && got != kind) {
    return BadRequest("the API version in the data (" +
                      GetString(body->as_object(), {"apiVersion"}) + ") and kind (" + got +
                      ") do not match the request path (" + path_gvk + ")");
  }
  return std::move(body->as_object());
}

std::function<StatusOr<json::value>(const std::string&, const api::ResourceType*)>
    protobuf_decoder;

}  // namespace berth::apiserver
