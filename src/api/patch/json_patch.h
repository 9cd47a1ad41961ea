// JSON patch (RFC 6902), the `application/json-patch+json` PATCH body.
//
// Contract: `ops` is an array of operation objects {"op", "path", "from",
// "value"} with op one of add, remove, replace, move, copy, test; paths are
// JSON Pointers (RFC 6901: "~1" is '/', "~0" is '~'; "-" as the last token of
// an add appends to an array; array indices must be canonical and in bounds).
// Operations apply in order to a copy of `target`; the first failure aborts the
// whole patch (the target is never partially patched).
//
// Errors:
//  * 400 BadRequest: the patch document is malformed — not an array, an
//    element that is not an object, a missing or unknown "op", a missing or
//    non-string "path"/"from", a missing "value" for add/replace/test, or a
//    syntactically invalid JSON Pointer.
//  * 422 Invalid: a well-formed operation cannot be applied — a failing `test`,
//    a path or "from" that does not exist, an out-of-range index, a move into
//    its own child. kube-apiserver (endpoints/handlers/patch.go, applyJSPatch)
//    answers every jsonpatch Apply error with NewGenericServerResponse(422),
//    i.e. reason Invalid, so berth does the same. (kube-apiserver only rejects
//    with 400 what fails to decode as a list of operations; berth also treats
//    structurally broken operations as 400.)
// Pure, thread-safe, never throws.
#pragma once

#include "common/json.h"
#include "common/status.h"

namespace berth::api::patch {

StatusOr<json::value> ApplyJsonPatch(const json::value& target, const json::value& ops);

}  // namespace berth::api::patch
