// Strategic merge patch, the `application/strategic-merge-patch+json` PATCH body
// that kubectl apply/edit/patch/set send for built-in kinds.
//
// Contract (following apimachinery/pkg/util/strategicpatch as kube-apiserver
// applies it, i.e. MergeParallelList and IgnoreUnmatchedNulls on):
//  * Objects and maps merge recursively; a null member deletes the key; nulls
//    inside values newly added by the patch are dropped.
//  * Lists are merged according to `schema` (the kind's top-level schema):
//    - ListType::kMap with merge_keys: elements match on merge_keys[0] (values
//      compared as JSON, so containerPort 80 matches 80.0); matching elements
//      merge recursively, others are added. An element {"$patch":"delete",
//      <key>: v} removes the element(s) with that key; an element
//      {"$patch":"replace"} makes the list the patch's other elements.
//    - ListType::kSet: union without duplicates; "$deleteFromPrimitiveList/<l>"
//      removes the listed values first.
//    - Anything else (atomic lists, kAny, unknown schema): the patch list
//      replaces the target list verbatim.
//    An empty patch list leaves a merging list unchanged (use null to clear).
//  * Order of a merged list, as Kubernetes computes it: items named by the
//    patch (or by "$setElementOrder/<l>" when present) come in that order, and
//    items only the server had are interleaved at their old relative positions.
//    Without $setElementOrder this means new elements land before the
//    server-only elements that follow them, not at the end (Kubernetes' own,
//    documented behaviour; kubectl apply always sends $setElementOrder).
//  * "$setElementOrder/<l>" without the list in the patch reorders the target.
//  * "$retainKeys": [..] removes from the target object every key not listed
//    (before merging); patch keys outside the list are an error.
//  * "$patch":"replace" on an object replaces it with the patch object;
//    "$patch":"delete" on an object removes the key (at top level: {}).
//  * No directive key appears in the result. Keys starting with '$' that are
//    not directives ("$ref" in JSONSchemaProps) are ordinary fields.
//  * A null `schema`, or a path that leaves the schema, falls back to JSON merge
//    patch semantics for maps (directives still honoured) and replacement for
//    lists.
//
// Errors: 400 BadRequest when `patch` is not an object or a directive is
// malformed (non-string $patch or unknown value, non-list $retainKeys /
// $setElementOrder / $deleteFromPrimitiveList, a patch key missing from
// $retainKeys, a merging-list element that is not an object or lacks the merge
// key). kube-apiserver answers the directive-format errors with 400 too.
// Pure, thread-safe (schemas are immutable), never throws.
#pragma once

#include "api/schema/schema.h"
#include "common/json.h"
#include "common/status.h"

namespace berth::api::patch {

StatusOr<json::value> ApplyStrategicMergePatch(const json::value& target, const json::value& patch,
                                               const Schema* schema);

}  // namespace berth::api::patch
