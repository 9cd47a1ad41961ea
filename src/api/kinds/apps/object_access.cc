#include "api/kinds/apps/object_access.h"

#include <cmath>

namespace berth::api::workload {

const json::object* ObjAt(const json::object& o, std::string_view key) {
  auto it = o.find(key);
  if (it == o.end() || !it->value().is_object()) return nullptr;
  return &it->value().get_object();
}

json::object* MutObjAt(json::object& o, std::string_view key) {
  auto it = o.find(key);
  if (it == o.end() || !it->value().is_object()) return nullptr;
  return &it->value().get_object();
}

const json::array* ArrAt(const json::object& o, std::string_view key) {
  auto it = o.find(key);
  if (it == o.end() || !it->value().is_array()) return nullptr;
  return &it->value().get_array();
}

std::optional<int64_t> IntAt(const json::object& o, std::string_view key) {
  auto it = o.find(key);
  if (it == o.end()) return std::nullopt;
  const json::value& v = it->value();
  if (v.is_int64()) return v.get_int64();
  if (v.is_uint64()) return static_cast<int64_t>(v.get_uint64());
  if (v.is_double()) {
    double d = v.get_double();
    if (std::floor(d) == d) return static_cast<int64_t>(d);
  }
  return std::nullopt;
}

std::string StrAt(const json::object& o, std::string_view key, std::string fallback) {
  auto it = o.find(key);
  if (it == o.end() || !it->value().is_string()) return fallback;
  return std::string(it->value().get_string());
}

std::optional<bool> BoolAt(const json::object& o, std::string_view key) {
  auto it = o.find(key);
  if (it == o.end() || !it->value().is_bool()) return std::nullopt;
  return it->value().get_bool();
}

bool Has(const json::object& o, std::string_view key) {
  auto it = o.find(key);
  return it != o.end() && !it->value().is_null();
}

json::object& EnsureObj(json::object& o, std::string_view key) {
  json::value& v = o[key];
  if (!v.is_object()) v = json::object();
  return v.get_object();
}

void SetDefault(json::object& o, std::string_view key, json::value v) {
  if (!Has(o, key)) o[key] = std::move(v);
}

std::string ObjectName(const json::object& obj) {
  const json::object* meta = ObjAt(obj, "metadata");
  return meta != nullptr ? StrAt(*meta, "name") : "";
}

int64_t IntOr0(const json::object* o, std::string_view key) {
  if (o == nullptr) return 0;
  return IntAt(*o, key).value_or(0);
}

}  // namespace berth::api::workload
