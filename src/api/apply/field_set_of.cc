#include "api/apply/schema_walk.h"
#include "api/apply/typed_ops.h"

namespace berth::api::apply {

namespace {

void Collect(const json::value& v, const Schema* schema, Path* path, FieldSet* out) {
  const NodeShape shape = ShapeOf(schema, v);
  switch (shape) {
    case NodeShape::kLeaf:
      out->Insert(*path);
      return;
    case NodeShape::kStruct:
    case NodeShape::kMap:
      for (const auto& kv : v.get_object()) {
        const std::string key(kv.key());
        path->push_back(PathElement::Field(key));
        Collect(kv.value(), ChildSchema(schema, shape, key), path, out);
        // Map entries are always members; struct fields only when they hold
        // nothing (null is a leaf and was inserted above).
        const bool empty_object = kv.value().is_object() && kv.value().get_object().empty();
        if (shape == NodeShape::kMap || empty_object) out->Insert(*path);
        path->pop_back();
      }
      return;
    case NodeShape::kListMap:
    case NodeShape::kSet: {
      const json::array& items = v.get_array();
      for (size_t i = 0; i < items.size(); ++i) {
        path->push_back(ItemElement(schema, shape, items[i], i));
        Collect(items[i], schema->items.get(), path, out);
        out->Insert(*path);
        path->pop_back();
      }
      return;
    }
  }
}

}  // namespace

FieldSet FieldSetOf(const json::value& object, const Schema* schema) {
  FieldSet out;
  if (!object.is_object()) return out;
  Path path;
  const NodeShape shape = ShapeOf(schema, object);
  // The root itself is never a member; only what it contains.
  for (const auto& kv : object.get_object()) {
    const std::string key(kv.key());
    path.push_back(PathElement::Field(key));
    Collect(kv.value(), ChildSchema(schema, shape, key), &path, &out);
    const bool empty_object = kv.value().is_object() && kv.value().get_object().empty();
    if (shape != NodeShape::kStruct || empty_object) out.Insert(path);
    path.pop_back();
  }
  return out;
}

}  // namespace berth::api::apply
