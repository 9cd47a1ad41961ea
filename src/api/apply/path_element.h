// Field paths as server-side apply names them (sigs.k8s.io/structured-merge-diff
// "fieldpath"): a path is a sequence of elements, each a struct field / map key,
// a list-map item (identified by its key fields), a set item (by value), or a
// list index (only for lists that have neither keys nor set semantics).
//
// Two renderings exist: the FieldsV1 member names used in metadata.managedFields
// ("f:spec", "k:{\"name\":\"web\"}", "v:\"a\"", "i:0") and the human form used in
// conflict messages (".spec.containers[name=\"web\"].image").
// Value type; pure functions; never throws.
#pragma once

#include <string>
#include <vector>

#include "common/json.h"

namespace berth::api::apply {

struct PathElement {
  // Declaration order is the sort order of Kubernetes' fieldpath package.
  enum class Kind { kField, kKey, kValue, kIndex };

  Kind kind = Kind::kField;
  // kField: the name. kKey: canonical JSON object of the key fields (names
  // sorted). kValue: canonical JSON of the value. kIndex: decimal index.
  std::string text;

  static PathElement Field(std::string name) { return {Kind::kField, std::move(name)}; }
  // `key` must be an object; it is canonicalised (sorted names, integral numbers as integers).
  static PathElement Key(const json::object& key);
  static PathElement Value(const json::value& value);
  static PathElement Index(size_t index) { return {Kind::kIndex, std::to_string(index)}; }

  // "f:name", "k:{...}", "v:...", "i:N".
  std::string ToFieldsV1() const;
  // Parses a FieldsV1 member name; false when malformed.
  static bool FromFieldsV1(const std::string& member, PathElement* out);
  // ".name", "[k=v,k2=v2]", "[=v]", "[N]".
  std::string ToDisplay() const;

  friend bool operator==(const PathElement& a, const PathElement& b) {
    return a.kind == b.kind && a.text == b.text;
  }
  friend bool operator<(const PathElement& a, const PathElement& b) {
    if (a.kind != b.kind) return a.kind < b.kind;
    // Indexes order numerically (their text has no leading zeros).
    if (a.kind == Kind::kIndex && a.text.size() != b.text.size()) {
      return a.text.size() < b.text.size();
    }
    return a.text < b.text;
  }
};

using Path = std::vector<PathElement>;

// ".spec.replicas"; the empty path renders as "".
std::string PathToString(const Path& path);

// Canonical compact JSON: object members sorted by name, integral doubles
// written as integers so 80 and 80.0 name the same list item.
std::string CanonicalJson(const json::value& v);

}  // namespace berth::api::apply
