#include <map>
#include <set>

#include "api/apply/schema_walk.h"
#include "api/apply/typed_ops.h"

namespace berth::api::apply {

namespace {

json::value Merge(const json::value* live, const json::value& config, const Schema* schema);

json::value MergeObjects(const json::object& live, const json::object& config, const Schema* schema,
                         NodeShape shape) {
  json::object out = live;
  for (const auto& kv : config) {
    if (kv.value().is_null()) {
      out.erase(kv.key());
      continue;
    }
    const json::value* lv = live.if_contains(kv.key());
    out[kv.key()] = Merge(lv, kv.value(), ChildSchema(schema, shape, std::string(kv.key())));
  }
  return out;
}

// List order as structured-merge-diff produces it: walk both lists together;
// live-only items are emitted where they stand, configuration items in
// configuration order, and a live item that the configuration also names is
// skipped until it is the next shared item the configuration reaches.
json::value MergeLists(const json::array& live, const json::array& config, const Schema* schema,
                       NodeShape shape) {
  const Schema* item_schema = schema->items.get();
  std::vector<PathElement> live_keys;
  std::map<PathElement, size_t> live_index;
  for (size_t i = 0; i < live.size(); ++i) {
    live_keys.push_back(ItemElement(schema, shape, live[i], i));
    live_index.emplace(live_keys.back(), i);
  }
  std::vector<PathElement> config_keys;
  std::set<PathElement> in_config;
  std::vector<PathElement> shared;  // configuration order
  for (size_t i = 0; i < config.size(); ++i) {
    config_keys.push_back(ItemElement(schema, shape, config[i], i));
    in_config.insert(config_keys.back());
    if (live_index.count(config_keys.back()) != 0) shared.push_back(config_keys.back());
  }

  json::array out;
  std::set<PathElement> merged;
  size_t next_shared = 0;
  auto merge_item = [&](const PathElement& e, const json::value& config_item) {
    merged.insert(e);
    auto lit = live_index.find(e);
    out.push_back(
        Merge(lit == live_index.end() ? nullptr : &live[lit->second], config_item, item_schema));
  };
  size_t li = 0, ci = 0;
  while (li < live.size() || ci < config.size()) {
    if (li < live.size() && ci < config.size()) {
      if (live_keys[li] == config_keys[ci]) {
        merge_item(config_keys[ci], config[ci]);
        ++li;
        ++ci;
        ++next_shared;
        continue;
      }
      if (in_config.count(live_keys[li]) != 0 && next_shared < shared.size() &&
          !(shared[next_shared] == live_keys[li])) {
        ++li;  // shared, but not its turn yet
        continue;
      }
    }
    if (li < live.size()) {
      if (in_config.count(live_keys[li]) == 0) {
        out.push_back(live[li]);
        ++li;
        continue;
      }
      if (merged.count(live_keys[li]) != 0) {
        ++li;
        continue;
      }
    }
    if (ci < config.size()) {
      const PathElement& e = config_keys[ci];
      if (merged.count(e) == 0) merge_item(e, config[ci]);
      if (next_shared < shared.size() && shared[next_shared] == e) ++next_shared;
      ++ci;
    }
  }
  return out;
}

json::value Merge(const json::value* live, const json::value& config, const Schema* schema) {
  const NodeShape shape = ShapeOf(schema, config);
  // Where the live side is missing or of another shape, merge into an empty
  // container so that nulls in the configuration still mean "absent".
  const bool live_usable = live != nullptr && ShapeOf(schema, *live) == shape;
  switch (shape) {
    case NodeShape::kStruct:
    case NodeShape::kMap: {
      static const json::object kEmpty;
      return MergeObjects(live_usable ? live->get_object() : kEmpty, config.get_object(), schema,
                          shape);
    }
    case NodeShape::kListMap:
    case NodeShape::kSet: {
      static const json::array kEmpty;
      return MergeLists(live_usable ? live->get_array() : kEmpty, config.get_array(), schema,
                        shape);
    }
    case NodeShape::kLeaf:
      break;
  }
  return config;
}

}  // namespace

json::value MergeApplied(const json::value& live, const json::value& config, const Schema* schema) {
  return Merge(&live, config, schema);
}

}  // namespace berth::api::apply
