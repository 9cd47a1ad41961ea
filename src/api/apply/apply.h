// Server-side apply and managedFields tracking (Kubernetes "Server-Side
// Apply", after sigs.k8s.io/structured-merge-diff), driven by berth's schema:
// structs and string maps merge member by member, list-maps by their merge
// keys, sets by value; atomic lists/objects and kAny are replaced whole.
//
// Ownership lives in metadata.managedFields, one entry per (manager,
// operation, subresource) with its fields in FieldsV1 form. Entries whose
// sets become empty are dropped. Server-maintained metadata, identity fields
// and (outside the status subresource) `status` are never owned.
//
// Pure functions over immutable schemas: thread-safe, never throw.
#pragma once

#include <string>

#include "api/schema/schema.h"
#include "common/json.h"
#include "common/status.h"

namespace berth::api::apply {

struct ApplyOptions {
  std::string manager;      // fieldManager; required for meaningful ownership
  bool force = false;       // take contested fields instead of failing
  std::string api_version;  // recorded on the entry; defaults to config's apiVersion
  std::string now_rfc3339;  // timestamp for entries that change
  std::string subresource;  // "" or e.g. "status", "scale"
};

// Applies `config` (a partial object: the applier's whole intent) onto `live`
// (nullptr: the object does not exist yet and is created from `config`).
//  * Fields in `config` are merged into the object and become exactly the set
//    owned by (manager, "Apply", subresource).
//  * Fields the manager applied before but left out now are removed from the
//    object unless another manager still owns them.
//  * A change to a field another manager owns is a conflict: without
//    opts.force the result is a 409 Conflict Status with one
//    FieldManagerConflict cause per field (see conflict.h); with force the
//    field's ownership moves to this manager. Applying the value a field
//    already has is no conflict: the ownership is shared.
// Everything in `config` is merged, `status` included; resetting fields a
// subresource may not change is the caller's (strategy's) business.
// Returns the new object with metadata.managedFields updated. Errors: 400 when
// `config` is not an object, a list-map item lacks its keys or repeats a key;
// 409 on conflicts.
StatusOr<json::value> ServerSideApply(const json::value* live, const json::value& config,
                                      const Schema& schema, const ApplyOptions& opts);

// Records an ordinary write (create: old == nullptr, update, patch) by
// opts.manager with operation "Update": the manager gains every field whose
// value it added or changed, those fields leave every other manager's set, and
// removed fields leave all sets. The managedFields come from `updated` when it
// carries a non-empty list (a list holding one empty entry resets them), else
// from `old`. Returns `updated` with metadata.managedFields rewritten.
json::value TrackUpdate(const json::value* old, json::value updated, const Schema& schema,
                        const ApplyOptions& opts);

}  // namespace berth::api::apply
