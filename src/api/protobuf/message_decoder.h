// DecodeMessage: turns one Kubernetes protobuf message into the JSON object
// the same data has in Kubernetes' JSON form, driven by berth's schema tree
// (each api::Field's `proto_tag` is its field number in generated.proto).
//
// Mapping (schema type -> wire form -> JSON):
//   kObject      nested message                         -> object (kept even when empty)
//   kMap         repeated entry messages {1 key, 2 value} -> object
//   kArray       repeated field (scalars packed or not) -> array
//   kString      bytes                                  -> string
//   kInteger     varint (int32 negatives sign-extended) -> integer
//   kBoolean     varint                                 -> bool
//   kNumber      fixed64 double (fixed32 float)         -> number
//   kBytes       bytes                                  -> base64 string
//   kIntOrString message {1 type, 2 intVal, 3 strVal}   -> integer or string
//   kQuantity    message {1 string}                     -> string
//   kTime        message {1 seconds, 2 nanos}           -> RFC 3339 string
//   kAny         message {1 raw JSON bytes}             -> parsed JSON (skipped if not JSON)
// Fields of Go-embedded structs (Field::proto_embedded_in != 0, e.g. Probe's
// exec/httpGet inside ProbeHandler at tag 1) are read from inside that nested
// message and merged flat into the object, as Kubernetes' JSON has them.
// Field numbers the schema does not know (or fields with proto_tag 0) are
// skipped. Fields absent on the wire are absent in JSON. Present zero numbers
// and booleans are kept (proto2 `optional`: replicas: 0 stays). Because Go
// always marshals its non-pointer fields, an empty string/bytes field and an
// empty Time (Go's zero time, JSON null) are left out, as Go's `omitempty`
// JSON would; map values and list elements are always kept.
//
// Errors: malformed input (truncated data, bad varints, a wire type that does
// not fit the schema, nesting deeper than 100) gives 400 BadRequest naming
// the field path. Never throws. Thread-safe (no shared state).
#pragma once

#include <string_view>

#include "api/schema/schema.h"
#include "common/json.h"
#include "common/status.h"

namespace berth::api::protobuf {

// `schema` must be a kObject node.
StatusOr<json::object> DecodeMessage(std::string_view bytes, const Schema& schema);

}  // namespace berth::api::protobuf
