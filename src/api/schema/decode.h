// Strict decoding: checks a decoded JSON object against a kind's Schema the
// way kube-apiserver's strict JSON decoder does, without building typed
// structs. Reports fields the schema does not know (unknown_fields, with
// kube-style paths such as "spec.template.spec.containers[0].badField") and
// values of the wrong JSON type (type_errors, worded like Go's encoding/json:
// `json: cannot unmarshal string into Go struct field DeploymentSpec.spec.replicas
// of type int32`).
//
// Rules:
//   * null is accepted anywhere (it means "unset").
//   * kAny accepts any value; kMap accepts any keys and checks each value against
//     `items` (a kMap without `items` accepts any values).
//   * kIntOrString accepts an integer or a string; kQuantity a string or a number.
//   * kInteger accepts integral numbers (an integral double such as 3.0, which YAML
//     conversion may produce, is accepted); int32 fields are range-checked.
//   * kTime and kBytes are strings on the wire.
//
// Pure functions; safe from any thread. Never throw.
#pragma once

#include <boost/json.hpp>
#include <string>
#include <vector>

#include "api/schema/schema.h"

namespace berth::api {

namespace json = boost::json;

struct DecodeIssues {
  // JSON paths of fields the schema does not define, in document order.
  std::vector<std::string> unknown_fields;
  // One Go-style message per value of the wrong type, in document order.
  std::vector<std::string> type_errors;

  bool ok() const { return unknown_fields.empty() && type_errors.empty(); }
};

// Walks `obj` along `schema` (normally a kind's top-level schema) and collects
// every unknown field and type mismatch.
DecodeIssues CheckAgainstSchema(const Schema& schema, const json::value& obj);

// kube-apiserver's strict decoding message:
//   strict decoding error: unknown field "spec.bogusField", duplicate field "metadata.name"
// Unknown fields are listed first, then duplicates. Returns "" when both are empty.
// (The API server prefixes it with `<Kind> in version "<v>" cannot be handled as a <Kind>: `.)
std::string StrictDecodingError(const std::vector<std::string>& unknown,
                                const std::vector<std::string>& duplicates);

// The Go type name a schema node decodes into, as encoding/json prints it in
// type errors: "int32", "string", "[]v1.Container", "map[string]string",
// "v1.DeploymentSpec", "intstr.IntOrString", "resource.Quantity".
std::string GoTypeName(const Schema& schema);

}  // namespace berth::api
