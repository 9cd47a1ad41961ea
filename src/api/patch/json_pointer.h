// JSON Pointer (RFC 6901) parsing and lookup, as used by JSON patch paths.
//
// ParseJsonPointer("/a~1b/0") gives {"a/b", "0"}; "" is the whole document and
// gives no tokens. A non-empty pointer must start with '/', and '~' must be
// followed by '0' (for '~') or '1' (for '/'); otherwise 400 BadRequest.
// ArrayIndex accepts only canonical decimal indices ("0", "12"; not "01", "-1",
// "+1"). Pure functions, thread-safe, never throw.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/json.h"
#include "common/status.h"

namespace berth::api::patch {

StatusOr<std::vector<std::string>> ParseJsonPointer(std::string_view pointer);

// The array index a token names, or nullopt if it is not a canonical index.
std::optional<size_t> ArrayIndex(std::string_view token);

// The value the tokens reach from `root`, or nullptr when any step is missing.
const json::value* FindByPointer(const json::value& root, const std::vector<std::string>& tokens);

}  // namespace berth::api::patch
