#include <map>
#include <set>

#include "api/apply/schema_walk.h"
#include "api/apply/typed_ops.h"

namespace berth::api::apply {

namespace {

json::value Merge(const json::value* live, const json::value& config, const Schema* schema);

json::value MergeObjects(const json::object& live, const json::object& config,
                         const Schema* schema, NodeShape shape) {
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

// Configuration items come in configuration order; a live-only item stays just
// before the configuration item that followed it in the live list.
json::value MergeLists(const json::array& live, const json::array& config, const Schema* schema,
                       NodeShape shape) {
  const Schema* item_schema = schema->items.get();
  std::vector<PathElement> live_keys;
  std::map<PathElement, size_t> live_index;
  for (size_t i = 0; i < live.size(); ++i) {
    live_keys.push_back(ItemElement(schema, shape, live[i], i));
    live_index.emplace(live_keys.back(), i);
  }
  std::map<PathElement, size_t> config_index;
  std::vector<PathElement> config_keys;
  for (size_t i = 0; i < config.size(); ++i) {
    config_keys.push_back(ItemElement(schema, shape, config[i], i));
    config_index.emplace(config_keys.back(), i);
  }

  json::array out;
  size_t next_config = 0;
  std::set<PathElement> emitted;
  auto emit_config_through = [&](size_t last) {
    for (; next_config <= last && next_config < config.size(); ++next_config) {
      const PathElement& e = config_keys[next_config];
      if (!emitted.insert(e).second) continue;  // duplicate key in configuration
      auto lit = live_index.find(e);
      out.push_back(Merge(lit == live_index.end() ? nullptr : &live[lit->second],
                          config[next_config], item_schema));
    }
  };
  for (size_t i = 0; i < live.size(); ++i) {
    auto cit = config_index.find(live_keys[i]);
    if (cit == config_index.end()) {
      out.push_back(live[i]);
      continue;
    }
    emit_config_through(cit->second);
  }
  emit_config_through(config.size());
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

json::value MergeApplied(const json::value& live, const json::value& config,
                         const Schema* schema) {
  return Merge(&live, config, schema);
}

}  // namespace berth::api::apply
