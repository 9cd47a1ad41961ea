// How server-side apply sees one JSON node given its schema: a leaf (scalars
// and everything atomic, including kAny and values that do not match their
// schema), a struct (kObject), a granular string map (kMap), a list-map keyed
// by merge keys, or a set. Also computes the path element naming each list
// item. Shared by the field-set, compare, merge and removal walks.
// Pure functions over immutable schemas; thread-safe; never throws.
#pragma once

#include <optional>
#include <string>

#include "api/apply/path_element.h"
#include "api/schema/schema.h"
#include "common/json.h"

namespace berth::api::apply {

enum class NodeShape { kLeaf, kStruct, kMap, kListMap, kSet };

// The shape of `value` under `schema` (nullptr = unknown = leaf). A struct or
// map schema only applies to JSON objects and a list schema only to arrays;
// anything else is treated as a leaf.
NodeShape ShapeOf(const Schema* schema, const json::value& value);
// The shape a schema gives regardless of a value (used when one side is absent).
NodeShape ShapeOf(const Schema* schema);

// Schema of member `key` of an object node of shape kStruct or kMap.
const Schema* ChildSchema(const Schema* schema, NodeShape shape, const std::string& key);

// The element naming `item` in a kListMap or kSet list. For list-maps the key
// object holds the merge-key fields present on the item, with Kubernetes'
// schema default for a missing "protocol" key ("TCP"); `missing_key`, if
// non-null, receives the first key field that is absent and has no default.
// An item with no key field at all is named by `index`.
PathElement ItemElement(const Schema* list_schema, NodeShape shape, const json::value& item,
                        size_t index, std::string* missing_key = nullptr);

// Whether a path element naming a member of a kStruct node (kube's "named
// fields", which count as owned when anything below them is owned).
inline bool IsStructField(NodeShape parent_shape) { return parent_shape == NodeShape::kStruct; }

}  // namespace berth::api::apply
