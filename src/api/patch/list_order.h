// The element order strategic merge patch gives a merged list.
//
// Kubernetes (strategicpatch normalizeElementOrder/mergeSortedSlice) splits the
// merged list into "patch items" (whose identity appears in `wanted`, the
// $setElementOrder list or else the patch list) and "server-only items". Patch
// items are sorted by their position in `wanted`; server-only items by their
// position in `server` (the target list before the patch). The two runs are then
// interleaved: a server-only item goes first only while both it and the next
// patch item were in the target and it came earlier there; otherwise the patch
// item goes first. Identities are merge-key values for keyed lists and the
// elements themselves for sets; they compare with JsonEqual.
//
// Pure, thread-safe, never throws.
#pragma once

#include <functional>
#include <vector>

#include "common/json.h"

namespace berth::api::patch {

// Returns the identity of a list element, or nullptr when it has none.
using IdentityFn = std::function<const json::value*(const json::value&)>;

// `wanted` and `server` hold identities (pointers into data the caller keeps
// alive for the call).
json::array OrderMergedList(json::array merged, const IdentityFn& identity,
                            const std::vector<const json::value*>& wanted,
                            const std::vector<const json::value*>& server);

}  // namespace berth::api::patch
