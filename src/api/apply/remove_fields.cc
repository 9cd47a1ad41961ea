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
  // Only the outermost members: removing one removes what lies below it, and
  // removing a key field first would make its list item unrecognisable.
  std::vector<Path> paths;
  fields.ForEach([&](const Path& p) {
    for (size_t len = 1; len < p.size(); ++len) {
      if (fields.Has(Path(p.begin(), p.begin() + static_cast<std::ptrdiff_t>(len)))) return;
    }
    paths.push_back(p);
  });
  // Later siblings first, so removing an index-named item never shifts the
  // index of one still to be visited.
  for (auto it = paths.rbegin(); it != paths.rend(); ++it) {
    if (!it->empty()) RemovePath(object, schema, *it, 0);
  }
}

}  // namespace berth::api::apply
