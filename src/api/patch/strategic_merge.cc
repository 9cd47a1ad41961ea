#include "api/patch/strategic_merge.h"

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "api/patch/json_equal.h"
#include "api/patch/list_order.h"

namespace berth::api::patch {

namespace {

constexpr std::string_view kPatchDirective = "$patch";
constexpr std::string_view kRetainKeys = "$retainKeys";
constexpr std::string_view kSetElementOrder = "$setElementOrder/";
constexpr std::string_view kDeleteFromPrimitiveList = "$deleteFromPrimitiveList/";

// nullopt: the patch deletes the value (an object carrying "$patch":"delete").
using MaybeValue = std::optional<json::value>;

bool StartsWith(std::string_view s, std::string_view prefix) {
  return s.substr(0, prefix.size()) == prefix;
}

bool IsDirectiveKey(std::string_view key) {
  return key == kRetainKeys || StartsWith(key, kSetElementOrder) ||
         StartsWith(key, kDeleteFromPrimitiveList);
}

// Schema of member `key` of a value described by `schema`; nullptr when unknown.
const Schema* MemberSchema(const Schema* schema, std::string_view key) {
  if (schema == nullptr) return nullptr;
  if (schema->type == Type::kObject) {
    const Field* field = schema->FindField(std::string(key));
    return field != nullptr ? field->schema.get() : nullptr;
  }
  if (schema->type == Type::kMap) return schema->items.get();
  return nullptr;
}

enum class ListMerge { kReplace, kByKey, kSet };

ListMerge ListMergeOf(const Schema* schema) {
  if (schema == nullptr || schema->type != Type::kArray) return ListMerge::kReplace;
  if (schema->list_type == ListType::kMap && !schema->merge_keys.empty()) return ListMerge::kByKey;
  if (schema->list_type == ListType::kSet) return ListMerge::kSet;
  return ListMerge::kReplace;
}

bool ListContains(const json::array& list, const json::value& v) {
  for (const json::value& item : list) {
    if (JsonEqual(item, v)) return true;
  }
  return false;
}

std::optional<std::string_view> PatchDirective(const json::value& v) {
  if (!v.is_object()) return std::nullopt;
  const json::value* d = v.get_object().if_contains(kPatchDirective);
  if (d == nullptr || !d->is_string()) return std::nullopt;
  return std::string_view(d->get_string());
}

StatusOr<MaybeValue> MergeObject(json::object result, const json::object& patch,
                                 const Schema* schema);

StatusOr<json::value> MergeKeyedList(json::array target, const json::array& patch,
                                     const Schema* schema, const json::array* order) {
  const std::string& key = schema->merge_keys.front();
  const Schema* item_schema = schema->items.get();
  const IdentityFn identity = [&key](const json::value& v) -> const json::value* {
    return v.is_object() ? v.get_object().if_contains(key) : nullptr;
  };
  const json::array original = target;  // the server order, before deletions

  bool replace = false;
  std::vector<const json::object*> entries;
  for (const json::value& element : patch) {
    if (!element.is_object()) {
      return BadRequest("strategic merge patch: elements of a list merged by \"" + key +
                        "\" must be objects, got " + ToJson(element));
    }
    const json::object& object = element.get_object();
    const json::value* directive = object.if_contains(kPatchDirective);
    if (directive == nullptr) {
      if (object.if_contains(key) == nullptr) {
        return BadRequest("strategic merge patch: map " + ToJson(element) +
                          " does not contain declared merge key: " + key);
      }
      entries.push_back(&object);
      continue;
    }
    if (*directive == "delete") {
      const json::value* id = object.if_contains(key);
      if (id == nullptr) {
        return BadRequest("strategic merge patch: map " + ToJson(element) +
                          " does not contain declared merge key: " + key);
      }
      json::array kept;
      for (json::value& item : target) {
        const json::value* item_id = identity(item);
        if (item_id == nullptr || !JsonEqual(*item_id, *id)) kept.push_back(std::move(item));
      }
      target = std::move(kept);
    } else if (*directive == "replace") {
      replace = true;
    } else {
      return BadRequest("strategic merge patch: unknown patch type " + ToJson(*directive) + " in " +
                        ToJson(element));
    }
  }
  if (replace) target.clear();
  if (entries.empty() && order == nullptr) return json::value(std::move(target));

  for (const json::object* entry : entries) {
    const json::value& id = *entry->if_contains(key);
    json::value* match = nullptr;
    for (json::value& item : target) {
      const json::value* item_id = identity(item);
      if (item_id != nullptr && JsonEqual(*item_id, id)) {
        match = &item;
        break;
      }
    }
    json::object base;
    if (match != nullptr && match->is_object()) base = match->get_object();
    StatusOr<MaybeValue> merged = MergeObject(std::move(base), *entry, item_schema);
    if (!merged.ok()) return merged.status();
    if (!merged->has_value()) continue;  // unreachable: entries carry no $patch
    if (match != nullptr) {
      *match = std::move(**merged);
    } else {
      target.push_back(std::move(**merged));
    }
  }

  std::vector<const json::value*> wanted;
  if (order != nullptr) {
    for (const json::value& v : *order) wanted.push_back(identity(v));
  } else {
    for (const json::object* entry : entries) wanted.push_back(entry->if_contains(key));
  }
  std::vector<const json::value*> server;
  for (const json::value& v : (replace && order == nullptr) ? target : original) {
    server.push_back(identity(v));
  }
  return json::value(OrderMergedList(std::move(target), identity, wanted, server));
}

StatusOr<json::value> MergeSetList(json::array target, const json::array& patch,
                                   const json::array* order) {
  const IdentityFn identity = [](const json::value& v) { return &v; };
  const json::array original = target;
  bool replace = false;
  json::array additions;
  for (const json::value& element : patch) {
    if (std::optional<std::string_view> directive = PatchDirective(element)) {
      if (*directive != "replace") {
        return BadRequest("strategic merge patch: unknown patch type in list " + ToJson(element));
      }
      replace = true;
      continue;
    }
    additions.push_back(element);
  }
  if (replace) target.clear();
  if (additions.empty() && order == nullptr) return json::value(std::move(target));

  json::array merged;
  for (json::value& v : target) {
    if (!ListContains(merged, v)) merged.push_back(std::move(v));
  }
  for (const json::value& v : additions) {
    if (!ListContains(merged, v)) merged.push_back(v);
  }
  std::vector<const json::value*> wanted;
  for (const json::value& v : order != nullptr ? *order : additions) wanted.push_back(&v);
  std::vector<const json::value*> server;
  for (const json::value& v : original) server.push_back(&v);
  return json::value(OrderMergedList(std::move(merged), identity, wanted, server));
}

StatusOr<MaybeValue> MergeValue(const json::value* target, const json::value& patch,
                                const Schema* schema, const json::array* order) {
  if (patch.is_object()) {
    json::object base;
    if (target != nullptr && target->is_object()) base = target->get_object();
    return MergeObject(std::move(base), patch.get_object(), schema);
  }
  if (patch.is_array()) {
    const ListMerge mode = ListMergeOf(schema);
    if (mode == ListMerge::kReplace) return MaybeValue(patch);
    json::array base;
    if (target != nullptr && target->is_array()) base = target->get_array();
    StatusOr<json::value> merged =
        mode == ListMerge::kByKey
            ? MergeKeyedList(std::move(base), patch.get_array(), schema, order)
            : MergeSetList(std::move(base), patch.get_array(), order);
    if (!merged.ok()) return merged.status();
    return MaybeValue(std::move(merged).value());
  }
  return MaybeValue(patch);
}

// Applies "$retainKeys": checks the patch only sets retained keys, then drops
// every other key from `result`.
Status ApplyRetainKeys(const json::value& retain, const json::object& patch, json::object& result) {
  if (!retain.is_array()) {
    return BadRequest("strategic merge patch: invalid patch format: $retainKeys must be a list");
  }
  const json::array& keep = retain.get_array();
  for (const auto& [key, value] : patch) {
    if (value.is_null() || IsDirectiveKey(key)) continue;
    if (!ListContains(keep, json::value(key))) {
      return BadRequest("strategic merge patch: invalid patch format: key \"" + std::string(key) +
                        "\" is not present in the $retainKeys list");
    }
  }
  std::vector<std::string> drop;
  for (const auto& [key, value] : result) {
    if (!ListContains(keep, json::value(key))) drop.emplace_back(key);
  }
  for (const std::string& key : drop) result.erase(key);
  return Status::Ok();
}

StatusOr<MaybeValue> MergeObject(json::object result, const json::object& patch,
                                 const Schema* schema) {
  if (const json::value* directive = patch.if_contains(kPatchDirective)) {
    if (*directive == "delete") return MaybeValue();
    if (*directive == "replace") {
      json::object rest = patch;
      rest.erase(kPatchDirective);
      return MergeObject(json::object(), rest, schema);
    }
    return BadRequest("strategic merge patch: unknown patch type " + ToJson(*directive));
  }
  if (const json::value* retain = patch.if_contains(kRetainKeys)) {
    BERTH_RETURN_IF_ERROR(ApplyRetainKeys(*retain, patch, result));
  }

  std::map<std::string, const json::array*, std::less<>> orders;
  for (const auto& [key, value] : patch) {
    const bool is_delete = StartsWith(key, kDeleteFromPrimitiveList);
    const bool is_order = StartsWith(key, kSetElementOrder);
    if (!is_delete && !is_order) continue;
    const std::string_view list_name = std::string_view(key).substr(
        is_delete ? kDeleteFromPrimitiveList.size() : kSetElementOrder.size());
    if (!value.is_array() || list_name.empty()) {
      return BadRequest("strategic merge patch: invalid patch format: " + std::string(key) +
                        " must name a list and hold a list");
    }
    if (is_order) {
      orders[std::string(list_name)] = &value.get_array();
      continue;
    }
    json::value* list = result.if_contains(list_name);
    if (list == nullptr || !list->is_array()) continue;
    json::array kept;
    for (json::value& item : list->get_array()) {
      if (!ListContains(value.get_array(), item)) kept.push_back(std::move(item));
    }
    *list = std::move(kept);
  }

  for (const auto& [key, value] : patch) {
    if (IsDirectiveKey(key)) continue;
    if (value.is_null()) {
      result.erase(key);
      continue;
    }
    auto order = orders.find(std::string_view(key));
    StatusOr<MaybeValue> merged =
        MergeValue(result.if_contains(key), value, MemberSchema(schema, key),
                   order != orders.end() ? order->second : nullptr);
    if (!merged.ok()) return merged.status();
    if (merged->has_value()) {
      result[key] = std::move(**merged);
    } else {
      result.erase(key);
    }
  }

  // "$setElementOrder/<l>" for a list the patch does not otherwise touch.
  for (const auto& [name, order] : orders) {
    if (patch.contains(name)) continue;
    json::value* list = result.if_contains(name);
    const Schema* list_schema = MemberSchema(schema, name);
    const ListMerge mode = ListMergeOf(list_schema);
    if (list == nullptr || !list->is_array() || mode == ListMerge::kReplace) continue;
    StatusOr<json::value> reordered =
        mode == ListMerge::kByKey
            ? MergeKeyedList(list->get_array(), json::array(), list_schema, order)
            : MergeSetList(list->get_array(), json::array(), order);
    if (!reordered.ok()) return reordered.status();
    *list = std::move(reordered).value();
  }
  return MaybeValue(json::value(std::move(result)));
}

}  // namespace

StatusOr<json::value> ApplyStrategicMergePatch(const json::value& target, const json::value& patch,
                                               const Schema* schema) {
  if (!patch.is_object()) return BadRequest("strategic merge patch must be a JSON object");
  json::object base;
  if (target.is_object()) base = target.get_object();
  StatusOr<MaybeValue> merged = MergeObject(std::move(base), patch.get_object(), schema);
  if (!merged.ok()) return merged.status();
  if (!merged->has_value()) return json::value(json::object());
  return std::move(**merged);
}

}  // namespace berth::api::patch
