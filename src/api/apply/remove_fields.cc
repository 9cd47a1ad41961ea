#include "api/apply/schema_walk.h"
#include "api/apply/typed_ops.h"

namespace berth::api::apply {

namespace {

// Deletes the member named by path[depth..] below `node`.
void RemovePath(json::value* node, const Schema* schema, const Path& path, size_t depth) {
  const PathElement& e = path[depth];
  const bool last = depth + 1 == path.size();
  const NodeShape shape = ShapeOf(schema, *node);
  if (e.kind == PathElement::Kind::kField) {
    if (!node->is_object()) return;
    json::object& obj = node->get_object();
    if (last) {
      obj.erase(e.text);
      return;
    }
    json::value* child = obj.if_contains(e.text);
    if (child != nullptr) RemovePath(child, ChildSchema(schema, shape, e.text), path, depth + 1);
    return;
  }
  if (!node->is_array()) return;
  json::array& items = node->get_array();
  const Schema* item_schema = schema != nullptr ? schema->items.get() : nullptr;
  for (size_t i = 0; i < items.size(); ++i) {
    if (!(ItemElement(schema, shape, items[i], i) == e)) continue;
    if (last) {
      items.erase(items.begin() + static_cast<std::ptrdiff_t>(i));
    } else {
      RemovePath(&items[i], item_schema, path, depth + 1);
    }
    return;
  }
}

}  // namespace

void RemoveFields(json::value* object, const Schema* schema, const FieldSet& fields) {
  // Deeper paths first, so removing an item never shifts the index naming a
  // sibling that is still to be visited (only index-named items are affected).
  std::vector<Path> paths;
  fields.ForEach([&](const Path& p) { paths.push_back(p); });
  for (auto it = paths.rbegin(); it != paths.rend(); ++it) {
    if (!it->empty()) RemovePath(object, schema, *it, 0);
  }
}

}  // namespace berth::api::apply
