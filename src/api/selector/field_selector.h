// Kubernetes field selectors (`?fieldSelector=metadata.name=web,status.phase!=Running`).
//
// Grammar (apimachinery/pkg/fields): terms separated by unescaped ",", each
// `field=value`, `field==value` or `field!=value`. In values, "\\", "\," and
// "\=" escape a backslash, comma and equals sign; other escapes and bare "," or
// "=" inside a value are errors. The empty selector matches everything.
//
// Which fields exist is the caller's business: check Fields() against the kind's
// supported set and answer 400 `field label not supported: X` for others.
// Errors are 400 BadRequest Status values; never throws. Immutable, thread-safe.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace berth::api::selector {

struct FieldRequirement {
  std::string field;
  bool equals = true;  // false for "!="
  std::string value;   // unescaped
};

class FieldSelector {
 public:
  // Matches everything.
  FieldSelector() = default;

  // `get` returns the object's value for a field, or nullopt when the object has no such
  // field; a missing field compares like the empty string (as Kubernetes' fields.Set does).
  bool Matches(const std::function<std::optional<std::string>(std::string_view field)>& get) const;
  // Field names in the order of requirements (may repeat).
  std::vector<std::string> Fields() const;
  // The value `field` must equal if the selector has an `field=value` term, else nullopt.
  // Used for fast paths such as metadata.name=X (a single-object list/watch).
  std::optional<std::string> RequiresExactMatch(std::string_view field) const;
  bool Empty() const { return requirements_.empty(); }
  const std::vector<FieldRequirement>& requirements() const { return requirements_; }
  // Canonical text: terms sorted, "==" written as "=", values re-escaped.
  std::string String() const;

 private:
  friend StatusOr<FieldSelector> ParseFieldSelector(std::string_view text);
  std::vector<FieldRequirement> requirements_;
};

// Parses a field selector. 400 BadRequest on malformed input, e.g.
// `invalid selector: 'abc'; can't understand 'abc'`.
StatusOr<FieldSelector> ParseFieldSelector(std::string_view text);

// Escapes "\", "," and "=" in a value for use in a selector string.
std::string EscapeFieldValue(std::string_view value);

}  // namespace berth::api::selector
