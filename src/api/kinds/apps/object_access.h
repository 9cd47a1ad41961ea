// Small read/write accessors over boost::json objects used by the workload
// kinds (apps, batch, autoscaling, ...). They never throw: a missing key or a
// value of the wrong type reads as "absent". Pure functions, thread-safe.
#pragma once

#include <boost/json.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace berth::api::workload {

namespace json = boost::json;

// The object at `key`, or nullptr when absent or not an object.
const json::object* ObjAt(const json::object& o, std::string_view key);
json::object* MutObjAt(json::object& o, std::string_view key);
// The array at `key`, or nullptr.
const json::array* ArrAt(const json::object& o, std::string_view key);
// The integer at `key` (int64, uint64 or an integral double), or nullopt.
std::optional<int64_t> IntAt(const json::object& o, std::string_view key);
// The string at `key`, or `fallback`.
std::string StrAt(const json::object& o, std::string_view key, std::string fallback = "");
// The boolean at `key`, or nullopt.
std::optional<bool> BoolAt(const json::object& o, std::string_view key);
// Whether `key` is present with a non-null value.
bool Has(const json::object& o, std::string_view key);
// The object at `key`, created (replacing a null or non-object) when needed.
json::object& EnsureObj(json::object& o, std::string_view key);
// Sets `key` to `v` only when it is absent or null (Kubernetes-style defaulting of a pointer field).
void SetDefault(json::object& o, std::string_view key, json::value v);
// metadata.name, or "".
std::string ObjectName(const json::object& obj);
// The integer at `key`, or 0 (status counters print as 0 when unset).
int64_t IntOr0(const json::object* o, std::string_view key);

}  // namespace berth::api::workload
