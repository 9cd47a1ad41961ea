// Decoding of Kubernetes protobuf request bodies
// (Content-Type: application/vnd.kubernetes.protobuf), which kubectl 1.32
// sends for `kubectl create deployment|service|configmap|secret|namespace|job`
// and for `kubectl auth can-i` (SelfSubjectAccessReview).
//
// Body layout: the 4-byte magic "k8s\0", then a runtime.Unknown message
// {1 typeMeta {1 apiVersion, 2 kind}, 2 raw, 3 contentEncoding, 4 contentType}
// where `raw` is the object's own message (without TypeMeta).
//
// Thread-safe (pure functions over immutable schemas). Never throws.
#pragma once

#include <string>
#include <string_view>

#include "api/resource.h"
#include "common/json.h"
#include "common/status.h"

namespace berth::api::protobuf {

inline constexpr std::string_view kProtobufContentType = "application/vnd.kubernetes.protobuf";
inline constexpr std::string_view kProtobufMagic{"k8s\0", 4};

// The runtime.Unknown envelope of a protobuf body.
struct Envelope {
  std::string api_version;  // "apps/v1", "v1"
  std::string kind;         // "Deployment"
  std::string raw;          // the object's message bytes
  std::string content_encoding;
  std::string content_type;
};

// Checks the magic and parses the envelope. 400 BadRequest when the magic is
// missing or the envelope is malformed.
StatusOr<Envelope> ParseEnvelope(std::string_view body);

// Decodes a whole protobuf body into the object's JSON form, with
// "apiVersion" and "kind" (first) taken from the envelope's typeMeta. The
// schema is the registry's ResourceType for that group/version/kind, or the
// built-in SelfSubjectAccessReview/SelfSubjectRulesReview schema of
// access_review_schema.h. Errors (all 400 BadRequest): bad magic, malformed
// envelope or object bytes, a non-empty contentEncoding, an unknown kind.
StatusOr<json::value> DecodeProtobufBody(const std::string& body, const Registry& registry);

}  // namespace berth::api::protobuf
