#include "api/apply/schema_walk.h"

namespace berth::api::apply {

NodeShape ShapeOf(const Schema* schema) {
  if (schema == nullptr) return NodeShape::kLeaf;
  switch (schema->type) {
    case Type::kObject:
      return schema->atomic ? NodeShape::kLeaf : NodeShape::kStruct;
    case Type::kMap:
      return NodeShape::kMap;
    case Type::kArray:
      if (schema->list_type == ListType::kMap && !schema->merge_keys.empty()) {
        return NodeShape::kListMap;
      }
      if (schema->list_type == ListType::kSet) return NodeShape::kSet;
      return NodeShape::kLeaf;
    default:
      return NodeShape::kLeaf;
  }
}

NodeShape ShapeOf(const Schema* schema, const json::value& value) {
  const NodeShape shape = ShapeOf(schema);
  switch (shape) {
    case NodeShape::kStruct:
    case NodeShape::kMap:
      return value.is_object() ? shape : NodeShape::kLeaf;
    case NodeShape::kListMap:
    case NodeShape::kSet:
      return value.is_array() ? shape : NodeShape::kLeaf;
    case NodeShape::kLeaf:
      return shape;
  }
  return NodeShape::kLeaf;
}

const Schema* ChildSchema(const Schema* schema, NodeShape shape, const std::string& key) {
  if (schema == nullptr) return nullptr;
  if (shape == NodeShape::kStruct) {
    const Field* f = schema->FindField(key);
    return f == nullptr ? nullptr : f->schema.get();
  }
  if (shape == NodeShape::kMap) return schema->items.get();
  return nullptr;
}

namespace {

// Schema defaults Kubernetes applies to list-map key fields that clients may omit.
const json::value* KeyDefault(const std::string& field) {
  static const json::value kTcp = "TCP";
  if (field == "protocol") return &kTcp;
  return nullptr;
}

}  // namespace

PathElement ItemElement(const Schema* list_schema, NodeShape shape, const json::value& item,
                        size_t index, std::string* missing_key) {
  if (shape == NodeShape::kSet) return PathElement::Value(item);
  if (shape != NodeShape::kListMap || !item.is_object()) return PathElement::Index(index);
  json::object key;
  bool any_present = false;
  for (const std::string& name : list_schema->merge_keys) {
    if (const json::value* v = item.get_object().if_contains(name); v != nullptr && !v->is_null()) {
      key.emplace(name, *v);
      any_present = true;
    } else if (const json::value* def = KeyDefault(name); def != nullptr) {
      key.emplace(name, *def);
    } else if (missing_key != nullptr && missing_key->empty()) {
      *missing_key = name;
    }
  }
  if (!any_present) {
    if (missing_key != nullptr && missing_key->empty()) *missing_key = list_schema->merge_keys[0];
    return PathElement::Index(index);
  }
  return PathElement::Key(key);
}

}  // namespace berth::api::apply
