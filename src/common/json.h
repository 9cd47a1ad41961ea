// JSON and YAML helpers over Boost.JSON. Objects are boost::json values
// throughout berth; these helpers never throw.
#pragma once

#include <boost/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace berth {

namespace json = boost::json;

// Parses JSON text. Malformed input gives 400 BadRequest. When
// `duplicate_paths` is non-null it receives the JSON paths ("spec.replicas",
// "spec.containers[0].name") of keys that appeared more than once in one
// object; the last occurrence wins in the returned value.
StatusOr<json::value> ParseJson(std::string_view text,
                                std::vector<std::string>* duplicate_paths = nullptr);

// Parses one YAML (or JSON, a YAML subset) document into JSON. Scalars keep
// YAML 1.1-ish typing: unquoted ints, floats, true/false, null become typed.
// Duplicate keys are reported like ParseJson. Malformed input gives 400.
StatusOr<json::value> ParseYaml(std::string_view text,
                                std::vector<std::string>* duplicate_paths = nullptr);

// Parses JSON if the body starts with '{' or '[' (after whitespace), else YAML.
StatusOr<json::value> ParseJsonOrYaml(std::string_view text,
                                      std::vector<std::string>* duplicate_paths = nullptr);

// Compact serialization.
std::string ToJson(const json::value& v);

// Path helpers. Get returns nullptr when any step is missing or of the wrong type.
// The json::object overloads exist so that passing an object never builds a
// temporary json::value copy (which would also leave GetPath dangling).
const json::value* GetPath(const json::value& root, std::initializer_list<std::string_view> path);
const json::value* GetPath(const json::object& root, std::initializer_list<std::string_view> path);
std::string GetString(const json::object& root, std::initializer_list<std::string_view> path,
                      std::string fallback = "");
int64_t GetInt(const json::object& root, std::initializer_list<std::string_view> path,
               int64_t fallback = 0);
json::object* GetObject(json::value& root, std::initializer_list<std::string_view> path);
// Returns the string at path or `fallback`.
std::string GetString(const json::value& root, std::initializer_list<std::string_view> path,
                      std::string fallback = "");
// Returns the integer at path or `fallback` (accepts int64, uint64 and integral doubles).
int64_t GetInt(const json::value& root, std::initializer_list<std::string_view> path,
               int64_t fallback = 0);
// Creates intermediate objects as needed and returns the object at path.
json::object& EnsureObject(json::value& root, std::initializer_list<std::string_view> path);

}  // namespace berth
