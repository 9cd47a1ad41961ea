#include "controllers/deployment/status_patch.h"

namespace berth::controllers::deployutil {

json::object StatusMergePatch(const json::object& old_status, const json::object& new_status) {
  json::object st = new_status;
  for (const auto& kv : old_status) {
    if (!st.contains(kv.key())) st[kv.key()] = nullptr;
  }
  return json::object{{"status", std::move(st)}};
}

json::object StatusOf(const json::object& obj) {
  const json::value* st = obj.if_contains("status");
  return st && st->is_object() ? st->as_object() : json::object{};
}

}  // namespace berth::controllers::deployutil
