#include "api/patch/merge_patch.h"

namespace berth::api::patch {

namespace {

json::value Merge(const json::value* target, const json::value& patch) {
  if (!patch.is_object()) return patch;
  json::object result;
  if (target != nullptr && target->is_object()) result = target->get_object();
  for (const auto& [key, value] : patch.get_object()) {
    if (value.is_null()) {
      result.erase(key);
      continue;
    }
    json::value merged = Merge(result.if_contains(key), value);
    result[key] = std::move(merged);
  }
  return result;
}

}  // namespace

StatusOr<json::value> ApplyMergePatch(const json::value& target, const json::value& patch) {
  return Merge(&target, patch);
}

}  // namespace berth::api::patch
