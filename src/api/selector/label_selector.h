// Kubernetes label selectors: the string syntax of `?labelSelector=` /
// `kubectl -l` and the metav1.LabelSelector JSON object (matchLabels +
// matchExpressions), with Kubernetes' matching semantics and canonical text.
//
// String grammar (as apimachinery/pkg/labels):
//   selector    := "" | requirement ("," requirement)*
//   requirement := key | "!" key | key ("=" | "==" | "!=") value
//                | key ("in" | "notin") "(" [value ("," value)*] ")" | key (">" | "<") integer
// Whitespace around tokens is ignored; `x=` means "x has the empty value".
// Keys must be qualified names, values valid label values.
//
// Semantics: an empty selector matches everything; "in", "=", "==" require the
// key to be present with one of the values; "notin" and "!=" also match objects
// without the key; ">"/"<" need an integer label value.
//
// Errors are returned as 400 BadRequest Status values with Kubernetes' wording
// ("unable to parse requirement: found '', expected: identifier"). Never throws.
// Values are immutable after construction and safe to share across threads.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "common/json.h"
#include "common/status.h"

namespace berth::api::selector {

enum class LabelOp {
  kIn,
  kNotIn,
  kEquals,
  kDoubleEquals,
  kNotEquals,
  kExists,
  kDoesNotExist,
  kGreaterThan,
  kLessThan,
};

// One requirement; `values` is sorted and de-duplicated.
struct LabelRequirement {
  std::string key;
  LabelOp op = LabelOp::kExists;
  std::vector<std::string> values;

  bool Matches(const std::map<std::string, std::string>& labels) const;
  // Canonical text: "a=b", "a!=b", "a in (x,y)", "!a", "a".
  std::string String() const;
};

class LabelSelector {
 public:
  // Matches everything (the empty selector).
  LabelSelector() = default;
  static LabelSelector Everything() { return LabelSelector(); }
  // Matches nothing (what a null metav1.LabelSelector means).
  static LabelSelector Nothing();
  // All of `requirements` must hold (sorted by key, stably, as Kubernetes does).
  static LabelSelector FromRequirements(std::vector<LabelRequirement> requirements);

  bool Matches(const std::map<std::string, std::string>& labels) const;
  // Labels given as a JSON object (metadata.labels); non-string values are ignored.
  bool Matches(const json::object& labels) const;
  // True for the match-everything selector.
  bool Empty() const { return !nothing_ && requirements_.empty(); }
  bool IsNothing() const { return nothing_; }
  const std::vector<LabelRequirement>& requirements() const { return requirements_; }
  // Canonical form: requirements sorted by key joined by ",". "" for Everything and Nothing.
  std::string String() const;

 private:
  std::vector<LabelRequirement> requirements_;
  bool nothing_ = false;
};

// Parses the string syntax above. 400 BadRequest on errors.
StatusOr<LabelSelector> ParseLabelSelector(std::string_view text);

// Converts a metav1.LabelSelector JSON value. A null (or absent) selector matches nothing,
// an empty object {} matches everything. Operators are In, NotIn, Exists, DoesNotExist.
// 400 BadRequest on malformed input (`"Foo" is not a valid label selector operator`).
StatusOr<LabelSelector> FromLabelSelectorJson(const json::value& selector);

// The selector as Kubernetes prints it in Scale.status.selector: "app=web,tier in (a,b)";
// "" for null / {} selectors and "<error>" when the selector is malformed.
std::string ToSelectorString(const json::value& selector);

// Like ToSelectorString but "<none>" for an empty result (metav1.FormatLabelSelector, used by
// table printers, e.g. the SELECTOR column).
std::string FormatLabelSelector(const json::value& selector);

}  // namespace berth::api::selector
