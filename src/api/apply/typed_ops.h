// The schema-aware operations server-side apply is built from, over plain JSON
// (after structured-merge-diff's "typed" package):
//  * FieldSetOf: the fields an applied configuration specifies: every leaf
//    (scalars, atomic values, nulls, empty objects), every list item and every
//    map entry; struct fields that have members below them are implied.
//  * Compare: which fields were added, modified or removed between two objects.
//    Leaves compare by JSON value; an added or removed list item, map entry or
//    list/map-typed field is itself reported along with everything below it.
//  * MergeApplied: the applied configuration merged into the live object: struct
//    and map members recursively, list-maps by key, sets by value, leaves and
//    atomic values replaced; a null in the configuration removes the member.
//    Items the configuration names keep its order; live-only items keep their
//    place relative to them.
//  * RemoveFields: deletes every member of a FieldSet (and what lies below it).
//  * ValidateApplyConfig: rejects list-map items without their key fields and
//    duplicate keys, which have no meaning for apply (400 BadRequest).
// Pure functions over immutable schemas; thread-safe; never throw.
#pragma once

#include "api/apply/field_set.h"
#include "api/schema/schema.h"
#include "common/json.h"
#include "common/status.h"

namespace berth::api::apply {

FieldSet FieldSetOf(const json::value& object, const Schema* schema);

struct Comparison {
  FieldSet added;
  FieldSet modified;
  FieldSet removed;
};
Comparison Compare(const json::value& before, const json::value& after, const Schema* schema);

json::value MergeApplied(const json::value& live, const json::value& config, const Schema* schema);

void RemoveFields(json::value* object, const Schema* schema, const FieldSet& fields);

Status ValidateApplyConfig(const json::value& config, const Schema* schema);

}  // namespace berth::api::apply
