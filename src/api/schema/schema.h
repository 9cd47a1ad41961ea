// Schema: berth's own description of each API type. One tree per kind is the
// single source for strict decoding (unknown fields), defaulting hooks,
// strategic-merge keys, server-side-apply list semantics, OpenAPI v3 documents
// (and so `kubectl explain`), and protobuf field numbers.
//
// Schema nodes are immutable after construction and shared (named types such
// as ObjectMeta or PodSpec appear once and are referenced from many places).
// They are safe to read from any thread.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace berth::api {

enum class Type {
  kObject,       // fixed set of named fields (`fields`)
  kMap,          // string keys, values of type `items` (additionalProperties)
  kArray,        // values of type `items`
  kString,
  kInteger,      // `format` "int32" or "int64"
  kNumber,
  kBoolean,
  kIntOrString,  // x-kubernetes-int-or-string
  kQuantity,     // resource.Quantity: int-or-string on the wire, "123m"/"1Gi" text
  kTime,         // RFC 3339 string (format date-time)
  kBytes,        // base64 string (format byte)
  kAny,          // free-form JSON (x-kubernetes-preserve-unknown-fields)
};

struct Schema;
using SchemaPtr = std::shared_ptr<const Schema>;

// How a list merges under strategic merge patch and server-side apply.
enum class ListType {
  kAtomic,  // replaced as a whole
  kMap,     // elements keyed by `merge_keys` (x-kubernetes-list-type: map)
  kSet,     // scalar elements merged as a set
};

struct Field {
  std::string name;
  SchemaPtr schema;
  std::string description;
  bool required = false;
  int proto_tag = 0;  // field number in Kubernetes' generated.proto; 0 = not in protobuf
  // Nonzero for a field of a Go-embedded struct (ProbeHandler in Probe,
  // LocalObjectReference in ConfigMapKeySelector, VolumeSource in Volume): flat in
  // JSON, but in protobuf nested in the message at this tag of the parent, where it
  // has number `proto_tag`.
  int proto_embedded_in = 0;
};

struct Schema {
  Type type = Type::kObject;
  // Fully qualified OpenAPI name for named object types
  // ("io.k8s.api.apps.v1.DeploymentSpec"); empty for inline/anonymous nodes.
  std::string name;
  std::string description;
  std::string format;  // "int32", "int64", "date-time", "byte", "double"

  std::vector<Field> fields;  // kObject: in declaration order
  SchemaPtr items;            // kArray element / kMap value type

  // kArray: list semantics (x-kubernetes-list-type / x-kubernetes-list-map-keys,
  // x-kubernetes-patch-strategy / x-kubernetes-patch-merge-key).
  ListType list_type = ListType::kAtomic;
  std::vector<std::string> merge_keys;  // kMap lists: the key fields, first is the SMP merge key
  // kObject: "retainKeys" strategy (unions like DeploymentStrategy); kArray with
  // list_type kMap/kSet: strategic merge merges by key instead of replacing.
  bool retain_keys = false;

  std::vector<std::string> enum_values;  // allowed string values, if restricted
  std::optional<int64_t> minimum;
  std::optional<int64_t> maximum;
  // kObject: x-kubernetes-map-type granular vs atomic (atomic objects are
  // replaced whole by SSA, e.g. LabelSelector requirements).
  bool atomic = false;

  // The field named `name`, or nullptr.
  const Field* FindField(const std::string& field_name) const;
};

// Builder helpers for readable schema definitions in kinds/*.cc.
SchemaPtr String(std::string description = {});
SchemaPtr Enum(std::vector<std::string> values, std::string description = {});
SchemaPtr Int32(std::string description = {});
SchemaPtr Int64(std::string description = {});
SchemaPtr Number(std::string description = {});
SchemaPtr Bool(std::string description = {});
SchemaPtr IntOrString(std::string description = {});
SchemaPtr Quantity(std::string description = {});
SchemaPtr Time(std::string description = {});
SchemaPtr Bytes(std::string description = {});
SchemaPtr Any(std::string description = {});
SchemaPtr MapOf(SchemaPtr value, std::string description = {});
SchemaPtr StringMap(std::string description = {});
// An atomic list (replaced as a whole by patches).
SchemaPtr ListOf(SchemaPtr item, std::string description = {});
// A list of objects merged by key(s) (patchMergeKey / list-map-keys).
SchemaPtr ListMap(SchemaPtr item, std::vector<std::string> keys, std::string description = {});
// A list of scalars merged as a set.
SchemaPtr ListSet(SchemaPtr item, std::string description = {});
// A named object type.
SchemaPtr Object(std::string name, std::string description, std::vector<Field> fields,
                 bool retain_keys = false);

// Field constructor: F("replicas", Int32(), "Desired number of pods.", tag).
Field F(std::string name, SchemaPtr schema, std::string description, int proto_tag = 0);
// Required field.
Field Req(std::string name, SchemaPtr schema, std::string description, int proto_tag = 0);
// Marks `f` as a field of a Go-embedded struct nested at `parent_tag` in protobuf:
// Embedded(1, F("exec", ExecActionSchema(), "Run a command.", 1)) in Probe.
inline Field Embedded(int parent_tag, Field f) {
  f.proto_embedded_in = parent_tag;
  return f;
}

}  // namespace berth::api
