// Writing a controller-computed status through the /status subresource as a JSON merge patch:
// the whole new status, with null for every top-level field the old status had and the new one
// drops (so removed conditions disappear). Pure function, thread-safe.
#pragma once

#include "common/json.h"

namespace berth::controllers::deployutil {

// {"status": new_status + {dropped: null...}}
json::object StatusMergePatch(const json::object& old_status, const json::object& new_status);
// The status object of `obj` (empty when absent).
json::object StatusOf(const json::object& obj);

}  // namespace berth::controllers::deployutil
