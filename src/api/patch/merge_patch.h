// JSON merge patch (RFC 7386), the `application/merge-patch+json` PATCH body.
//
// Contract: when `patch` is an object, each of its members is applied to the
// target object (a non-object target is treated as {}): a null member removes
// the key, an object member merges recursively, any other value (arrays
// included) replaces the key. A non-object patch replaces the whole target.
// Null members of objects newly added by the patch are dropped, as the RFC says.
//
// Never fails today (every JSON value is a valid merge patch); the StatusOr keeps
// the signature uniform with the other patch formats. Pure, thread-safe.
#pragma once

#include "common/json.h"
#include "common/status.h"

namespace berth::api::patch {

StatusOr<json::value> ApplyMergePatch(const json::value& target, const json::value& patch);

}  // namespace berth::api::patch
