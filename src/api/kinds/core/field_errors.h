// Builders for validation causes with Kubernetes' wording
// (apimachinery/pkg/util/validation/field). Each returns one Cause whose
// `message` is the text kubectl prints after "<field>: ". Pure functions.
#pragma once

#include <boost/json.hpp>
#include <string>
#include <vector>

#include "common/status.h"

namespace berth::api::core {

namespace json = boost::json;

// Go's %v-ish rendering of a value inside "Invalid value: ..." (strings quoted).
std::string FormatValue(const json::value& v);
std::string Quote(const std::string& s);

// "Required value" or "Required value: <detail>".
Cause RequiredCause(const std::string& field, const std::string& detail = "");
// "Invalid value: <value>: <detail>".
Cause InvalidCause(const std::string& field, const json::value& value, const std::string& detail);
// "Unsupported value: \"x\": supported values: \"a\", \"b\"".
Cause NotSupportedCause(const std::string& field, const json::value& value,
                        const std::vector<std::string>& supported);
// "Duplicate value: \"x\"".
Cause DuplicateCause(const std::string& field, const json::value& value);
// "Not found: \"x\"".
Cause NotFoundCause(const std::string& field, const json::value& value);
// "Forbidden: <detail>".
Cause ForbiddenCause(const std::string& field, const std::string& detail);

// Appends every problem string from a name validator as an Invalid cause.
void AppendInvalid(std::vector<Cause>& out, const std::string& field, const json::value& value,
                   const std::vector<std::string>& problems);

// Small typed readers over json objects (nullptr / fallback when absent or mistyped).
const json::object* ObjectAt(const json::object& o, const char* key);
const json::array* ArrayAt(const json::object& o, const char* key);
std::string StringAt(const json::object& o, const char* key, const std::string& fallback = "");
bool HasInt(const json::object& o, const char* key, int64_t* out);

}  // namespace berth::api::core
