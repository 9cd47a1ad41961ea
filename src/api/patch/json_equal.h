// JsonEqual: structural equality of JSON values as patch formats need it.
//
// Numbers compare by numeric value whatever their storage (int64, uint64 or
// double), so 80, 80u and 80.0 are equal; Boost.JSON's operator== would treat
// an integer and a double as different. Objects compare as unordered key sets.
// Pure function, safe from any thread, never throws.
#pragma once

#include "common/json.h"

namespace berth::api::patch {

bool JsonEqual(const json::value& a, const json::value& b);

}  // namespace berth::api::patch
