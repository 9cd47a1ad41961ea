// metav1.LabelSelector as text and as a matcher, the way kubectl and the
// controllers see it:
//   {"matchLabels":{"app":"web"},"matchExpressions":[{"key":"tier","operator":"In","values":["a","b"]}]}
//   -> "app=web,tier in (a,b)"   (requirements sorted by key, set values sorted)
// Pure functions, thread-safe.
#pragma once

#include <boost/json.hpp>
#include <string>

namespace berth::api::workload {

namespace json = boost::json;

// labels.Selector.String() of the selector: "" for null, empty, or malformed selectors.
std::string SelectorText(const json::value* selector);
// metav1.FormatLabelSelector: SelectorText, or "<none>" when that is empty.
std::string FormatLabelSelector(const json::value* selector);
// labels.FormatLabels of a string map: "a=1,b=2" (sorted), "<none>" when empty.
std::string FormatLabels(const json::value* labels);
// Whether the selector has neither matchLabels nor matchExpressions entries.
bool SelectorIsEmpty(const json::value* selector);
// Whether `labels` (a string map, may be null) satisfies the selector. An empty
// selector matches everything; a null selector matches nothing.
bool SelectorMatches(const json::value* selector, const json::value* labels);

}  // namespace berth::api::workload
