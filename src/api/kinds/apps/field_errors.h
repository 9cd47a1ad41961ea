// Validation causes worded like Kubernetes' field errors
// (apimachinery/pkg/util/validation/field), so `kubectl` users see the same
// text they would from a real cluster:
//   Required value
//   Invalid value: -1: must be greater than or equal to 0
//   Invalid value: map[string]string{"app":"x"}: `selector` does not match template `labels`
//   Unsupported value: "Always": supported values: "OnFailure", "Never"
// Values are rendered the way Go's %v / %q / %#v print them. Pure functions, thread-safe.
#pragma once

#include <boost/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace berth::api::workload {

namespace json = boost::json;

// Kubernetes' shared messages.
inline constexpr const char* kNegativeMsg = "must be greater than or equal to 0";
inline constexpr const char* kNotPositiveMsg = "must be greater than zero";
inline constexpr const char* kImmutableMsg = "field is immutable";

// "Required value" or "Required value: <detail>".
Cause RequiredCause(std::string path, std::string_view detail = {});
// "Invalid value: <value_text>: <detail>"; `value_text` is already rendered (see GoValue).
Cause InvalidCause(std::string path, std::string value_text, std::string_view detail);
// `Unsupported value: "x": supported values: "a", "b"`.
Cause NotSupportedCause(std::string path, std::string_view value,
                        const std::vector<std::string>& supported);
// "Forbidden: <detail>".
Cause ForbiddenCause(std::string path, std::string_view detail);

// Go's %q of a string.
std::string GoQuote(std::string_view s);
// A JSON scalar as a Go field error prints it: numbers and booleans bare,
// strings quoted; objects/arrays as compact JSON; null as "null".
std::string GoValue(const json::value& v);
// Go's %#v of a map[string]string (keys sorted): map[string]string{"a":"1", "b":"2"};
// nullptr or a non-object prints map[string]string(nil).
std::string GoStringMap(const json::value* m);
// Go's %#v of a metav1.LabelSelector, as printed in "field is immutable" errors:
// v1.LabelSelector{MatchLabels:map[string]string{"app":"x"}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}
std::string GoLabelSelector(const json::value* selector);

// Appends "Invalid value: <n>: must be greater than or equal to 0" when the
// integer at `key` is present and negative.
void CheckNonNegative(const json::object& parent, std::string_view key, const std::string& path,
                      std::vector<Cause>& out);
// Appends an immutability error when `key` differs between `now` and `old`
// (presence included), rendering the new value with GoValue.
void CheckImmutable(const json::object& now, const json::object& old, std::string_view key,
                    const std::string& path, std::vector<Cause>& out);

}  // namespace berth::api::workload
