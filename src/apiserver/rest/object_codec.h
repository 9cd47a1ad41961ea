// How API objects map onto the Store: keys, resourceVersion injection, and
// request body decoding. Stored values are compact JSON without
// metadata.resourceVersion; the store's mod_revision becomes the
// resourceVersion on every read.
#pragma once

#include <boost/json.hpp>
#include <functional>
#include <string>
#include <vector>

#include "api/resource.h"
#include "apiserver/http/request.h"
#include "common/status.h"
#include "store/store.h"

namespace berth::apiserver {

namespace json = boost::json;

// "/registry/apps/deployments/default/web"; core group is "core".
std::string ObjectKey(const api::ResourceType& t, const std::string& ns, const std::string& name);
// The prefix of all objects of a type in `ns` ("" = every namespace), ending in '/'.
std::string ObjectPrefix(const api::ResourceType& t, const std::string& ns);

// Parses a stored value and sets metadata.resourceVersion from kv.mod_revision.
StatusOr<json::object> DecodeStored(const store::KeyValue& kv);
// Serializes for storage, without metadata.resourceVersion.
std::string EncodeForStore(json::object obj);
// The same for objects of `t`, converted from / to the stored form when `t` keeps its objects
// in another resource's storage (ResourceType::storage_group).
StatusOr<json::object> DecodeStored(const api::ResourceType& t, const store::KeyValue& kv);
std::string EncodeForStore(const api::ResourceType& t, json::object obj);

// The request body decoded by Content-Type (JSON, YAML; protobuf when a
// decoder is available). Duplicate keys are reported in `duplicates`.
// 415 for unknown content types, 400 for malformed bodies.
StatusOr<json::value> DecodeBody(const Request& req, const api::ResourceType* type,
                                 std::vector<std::string>* duplicates);

// The body of a POST to a subresource that takes one object of `kind` (Binding, Eviction):
// decoded, an object, and of that kind when it names one (400 otherwise, naming `path_gvk`,
// e.g. "v1, Binding"). 405 for any verb but create.
StatusOr<json::object> DecodeSubresourceObject(const Request& req, const std::string& verb,
                                               const std::string& kind,
                                               const std::string& path_gvk);

// Decodes a Kubernetes protobuf body (`k8s\0` envelope) into JSON; set at
// start-up when the protobuf codec is linked in. `type` may be null.
extern std::function<StatusOr<json::value>(const std::string&, const api::ResourceType*)>
    protobuf_decoder;

// fieldValidation=Strict|Warn|Ignore (default Warn, as kube-apiserver).
enum class FieldValidation { kIgnore, kWarn, kStrict };
StatusOr<FieldValidation> ParseFieldValidation(const Request& req);

// Random 5-character suffix for generateName, from kube's alphabet.
std::string RandomNameSuffix();
// A random RFC 4122 v4 UID.
std::string NewUid();

}  // namespace berth::apiserver
