#include <map>

#include "api/apply/schema_walk.h"
#include "api/apply/typed_ops.h"
#include "api/patch/json_equal.h"

namespace berth::api::apply {

namespace {

bool EmptyContainer(const json::value* v) {
  if (v == nullptr || v->is_null()) return true;
  if (v->is_object()) return v->get_object().empty();
  if (v->is_array()) return v->get_array().empty();
  return false;
}

// Indexes list items by the element naming them; the first of duplicates wins.
std::map<PathElement, const json::value*> IndexItems(const Schema* schema, NodeShape shape,
                                                     const json::value* list,
                                                     std::vector<PathElement>* order) {
  std::map<PathElement, const json::value*> out;
  if (list == nullptr) return out;
  const json::array& items = list->get_array();
  for (size_t i = 0; i < items.size(); ++i) {
    PathElement e = ItemElement(schema, shape, items[i], i);
    if (out.emplace(e, &items[i]).second) order->push_back(std::move(e));
  }
  return out;
}

// `self_member`: whether this node's own path is reported when it appears or
// disappears as a whole (list items, map entries and list/map-typed fields).
void Diff(const json::value* before, const json::value* after, const Schema* schema,
          bool self_member, Path* path, Comparison* out) {
  const NodeShape bs = before ? ShapeOf(schema, *before) : ShapeOf(schema);
  const NodeShape as = after ? ShapeOf(schema, *after) : ShapeOf(schema);
  const bool leaf = bs == NodeShape::kLeaf || as == NodeShape::kLeaf || bs != as ||
                    (EmptyContainer(before) && EmptyContainer(after));
  if (leaf) {
    if (before == nullptr) {
      out->added.Insert(*path);
    } else if (after == nullptr) {
      out->removed.Insert(*path);
    } else if (!patch::JsonEqual(*before, *after)) {
      out->modified.Insert(*path);
    }
    return;
  }
  const NodeShape shape = bs;
  switch (shape) {
    case NodeShape::kStruct:
    case NodeShape::kMap: {
      const json::object* b = before ? &before->get_object() : nullptr;
      const json::object* a = after ? &after->get_object() : nullptr;
      auto visit = [&](const std::string& key) {
        const json::value* bv = b ? b->if_contains(key) : nullptr;
        const json::value* av = a ? a->if_contains(key) : nullptr;
        path->push_back(PathElement::Field(key));
        Diff(bv, av, ChildSchema(schema, shape, key), shape == NodeShape::kMap, path, out);
        path->pop_back();
      };
      if (b != nullptr) {
        for (const auto& kv : *b) visit(std::string(kv.key()));
      }
      if (a != nullptr) {
        for (const auto& kv : *a) {
          if (b == nullptr || !b->contains(kv.key())) visit(std::string(kv.key()));
        }
      }
      break;
    }
    case NodeShape::kListMap:
    case NodeShape::kSet: {
      std::vector<PathElement> order;
      auto bi = IndexItems(schema, shape, before, &order);
      auto ai = IndexItems(schema, shape, after, &order);
      std::map<PathElement, bool> seen;
      for (const PathElement& e : order) {
        if (!seen.emplace(e, true).second) continue;
        auto bit = bi.find(e);
        auto ait = ai.find(e);
        path->push_back(e);
        Diff(bit == bi.end() ? nullptr : bit->second, ait == ai.end() ? nullptr : ait->second,
             schema->items.get(), /*self_member=*/true, path, out);
        path->pop_back();
      }
      break;
    }
    case NodeShape::kLeaf:
      break;
  }
  const bool reported = self_member || shape != NodeShape::kStruct;
  if (reported && !path->empty()) {
    if (before == nullptr) out->added.Insert(*path);
    if (after == nullptr) out->removed.Insert(*path);
  }
}

}  // namespace

Comparison Compare(const json::value& before, const json::value& after, const Schema* schema) {
  Comparison out;
  Path path;
  Diff(&before, &after, schema, /*self_member=*/false, &path, &out);
  return out;
}

}  // namespace berth::api::apply
