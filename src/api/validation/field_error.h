// Builders for Status causes worded like Kubernetes' field.Error. Each Cause
// carries the CauseType ("FieldValueInvalid"...), the field path
// ("metadata.name") and the message without the field prefix, i.e. what
// field.Error.ErrorBody() prints: `Invalid value: "Bad_Name": <detail>`.
// Pure functions, thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/json.h"
#include "common/status.h"

namespace berth::api::validation {

// Go's %q rendering of a string: double-quoted with \" \\ \n \t and \xNN escapes.
std::string GoQuote(std::string_view s);

// `Invalid value: "<value>": <detail>` (a string value is quoted).
Cause InvalidCause(std::string field, std::string_view value, std::string_view detail);
// `Invalid value: <value>: <detail>`; strings are quoted, numbers and bools printed
// plainly, arrays/objects as compact JSON.
Cause InvalidCause(std::string field, const json::value& value, std::string_view detail);
// `Required value` or `Required value: <detail>`.
Cause RequiredCause(std::string field, std::string_view detail = "");
// `Forbidden` or `Forbidden: <detail>`.
Cause ForbiddenCause(std::string field, std::string_view detail = "");
// `Too long: may not be more than <n> bytes`.
Cause TooLongCause(std::string field, int64_t max_bytes);
// `Duplicate value: <value>`.
Cause DuplicateCause(std::string field, const json::value& value);
// `Unsupported value: <value>: supported values: "a", "b"`.
Cause NotSupportedCause(std::string field, const json::value& value,
                        const std::vector<std::string>& supported);

// One cause per message, as Kubernetes turns []string validator output into an ErrorList.
void AppendInvalid(std::vector<Cause>* out, const std::string& field, std::string_view value,
                   const std::vector<std::string>& messages);

}  // namespace berth::api::validation
