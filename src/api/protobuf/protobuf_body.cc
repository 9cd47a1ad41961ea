#include "api/protobuf/protobuf_body.h"

#include "api/protobuf/access_review_schema.h"
#include "api/protobuf/token_request_schema.h"
#include "api/protobuf/message_decoder.h"
#include "api/protobuf/wire_reader.h"

namespace berth::api::protobuf {
namespace {

// Reads a message whose fields are all strings into `out[number]`; other
// wire types are skipped. False on malformed bytes.
template <typename Assign>
bool ReadStringFields(std::string_view bytes, Assign assign) {
  WireReader r(bytes);
  while (!r.AtEnd()) {
    int number = 0;
    WireType wire{};
    if (!r.ReadKey(&number, &wire)) return false;
    if (wire == WireType::kLengthDelimited) {
      std::string_view value;
      if (!r.ReadLengthDelimited(&value)) return false;
      assign(number, value);
    } else if (!r.Skip(wire)) {
      return false;
    }
  }
  return true;
}

SchemaPtr FindSchema(const std::string& group, const std::string& version,
                     const std::string& kind, const Registry& registry) {
  if (group == "authorization.k8s.io" && version == "v1") {
    if (kind == "SelfSubjectAccessReview") return SelfSubjectAccessReviewSchema();
    if (kind == "SelfSubjectRulesReview") return SelfSubjectRulesReviewSchema();
  }
  if (group == "authentication.k8s.io" && version == "v1" && kind == "TokenRequest") {
    return TokenRequestSchema();
  }
  for (const ResourceTypePtr& t : registry.All()) {
    if (t->group == group && t->version == version && t->kind == kind) return t->schema;
  }
  return nullptr;
}

}  // namespace

StatusOr<Envelope> ParseEnvelope(std::string_view body) {
  if (body.substr(0, kProtobufMagic.size()) != kProtobufMagic) {
    return BadRequest("protobuf body does not start with the k8s\\0 magic");
  }
  Envelope env;
  std::string_view type_meta;
  bool ok = ReadStringFields(body.substr(kProtobufMagic.size()),
                             [&](int number, std::string_view value) {
                               switch (number) {
                                 case 1: type_meta = value; break;
                                 case 2: env.raw.assign(value); break;
                                 case 3: env.content_encoding.assign(value); break;
                                 case 4: env.content_type.assign(value); break;
                                 default: break;
                               }
                             });
  ok = ok && ReadStringFields(type_meta, [&](int number, std::string_view value) {
         if (number == 1) env.api_version.assign(value);
         if (number == 2) env.kind.assign(value);
       });
  if (!ok) return BadRequest("malformed protobuf envelope (runtime.Unknown)");
  return env;
}

StatusOr<json::value> DecodeProtobufBody(const std::string& body, const Registry& registry) {
  auto env = ParseEnvelope(body);
  if (!env.ok()) return env.status();
  if (env->kind.empty() || env->api_version.empty()) {
    return BadRequest("protobuf body has no apiVersion/kind");
  }
  if (!env->content_encoding.empty()) {
    return BadRequest("unsupported protobuf contentEncoding \"" + env->content_encoding + "\"");
  }
  std::string group;
  std::string version = env->api_version;
  if (auto slash = version.find('/'); slash != std::string::npos) {
    group = version.substr(0, slash);
    version = version.substr(slash + 1);
  }
  SchemaPtr schema = FindSchema(group, version, env->kind, registry);
  if (!schema || schema->type != Type::kObject) {
    return BadRequest("no kind \"" + env->kind + "\" is registered for version \"" +
                      env->api_version + "\"");
  }
  auto decoded = DecodeMessage(env->raw, *schema);
  if (!decoded.ok()) return decoded.status();
  json::object out;
  out["apiVersion"] = env->api_version;
  out["kind"] = env->kind;
  for (auto& kv : *decoded) {
    if (kv.key() == "apiVersion" || kv.key() == "kind") continue;
    out[kv.key()] = std::move(kv.value());
  }
  return json::value(std::move(out));
}

}  // namespace berth::api::protobuf
