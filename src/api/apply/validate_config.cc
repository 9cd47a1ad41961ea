#include <set>

#include "api/apply/schema_walk.h"
#include "api/apply/typed_ops.h"

namespace berth::api::apply {

namespace {

Status Validate(const json::value& v, const Schema* schema, Path* path) {
  const NodeShape shape = ShapeOf(schema, v);
  switch (shape) {
    case NodeShape::kLeaf:
      return Status::Ok();
    case NodeShape::kStruct:
    case NodeShape::kMap:
      for (const auto& kv : v.get_object()) {
        const std::string key(kv.key());
        path->push_back(PathElement::Field(key));
        BERTH_RETURN_IF_ERROR(Validate(kv.value(), ChildSchema(schema, shape, key), path));
        path->pop_back();
      }
      return Status::Ok();
    case NodeShape::kListMap:
    case NodeShape::kSet: {
      std::set<PathElement> seen;
      const json::array& items = v.get_array();
      for (size_t i = 0; i < items.size(); ++i) {
        std::string missing;
        PathElement e = ItemElement(schema, shape, items[i], i, &missing);
        if (shape == NodeShape::kListMap && !items[i].is_object()) {
          return BadRequest(PathToString(*path) + ": element " + std::to_string(i) +
                            ": associative list items must be objects");
        }
        if (!missing.empty()) {
          return BadRequest(PathToString(*path) + ": element " + std::to_string(i) +
                            ": associative list with keys has an element that omits key field \"" +
                            missing + "\" (and doesn't have default value)");
        }
        if (!seen.insert(e).second) {
          return BadRequest(PathToString(*path) + ": duplicate entries for key " + e.ToDisplay());
        }
        path->push_back(e);
        BERTH_RETURN_IF_ERROR(Validate(items[i], schema->items.get(), path));
        path->pop_back();
      }
      return Status::Ok();
    }
  }
  return Status::Ok();
}

}  // namespace

Status ValidateApplyConfig(const json::value& config, const Schema* schema) {
  if (!config.is_object()) return BadRequest("apply configuration must be a JSON object");
  Path path;
  return Validate(config, schema, &path);
}

}  // namespace berth::api::apply
