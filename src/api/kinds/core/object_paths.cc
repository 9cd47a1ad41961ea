#include "api/kinds/core/core_kinds.h"

#include <map>

namespace berth::api::core {

std::string StringAtPath(const json::object& o, std::initializer_list<const char*> path) {
  const json::object* cur = &o;
  size_t i = 0;
  for (const char* key : path) {
    auto it = cur->find(key);
    if (it == cur->end()) return "";
    if (++i == path.size()) {
      if (it->value().is_string()) return std::string(it->value().get_string());
      if (it->value().is_bool()) return it->value().get_bool() ? "true" : "false";
      if (it->value().is_int64()) return std::to_string(it->value().get_int64());
      return "";
    }
    if (!it->value().is_object()) return "";
    cur = &it->value().get_object();
  }
  return "";
}

std::function<std::string(const json::object&)> FieldAt(std::vector<std::string> path,
                                                        std::string fallback) {
  return [path = std::move(path), fallback = std::move(fallback)](const json::object& o) {
    const json::object* cur = &o;
    for (size_t i = 0; i + 1 < path.size(); ++i) {
      auto it = cur->find(path[i]);
      if (it == cur->end() || !it->value().is_object()) return fallback;
      cur = &it->value().get_object();
    }
    auto it = cur->find(path.back());
    if (it == cur->end()) return fallback;
    const json::value& v = it->value();
    if (v.is_string()) return std::string(v.get_string());
    if (v.is_bool()) return std::string(v.get_bool() ? "true" : "false");
    if (v.is_int64()) return std::to_string(v.get_int64());
    if (v.is_uint64()) return std::to_string(v.get_uint64());
    return fallback;
  };
}

std::string FormatLabels(const json::object* m) {
  if (m == nullptr || m->empty()) return "<none>";
  std::map<std::string, std::string> sorted;
  for (const auto& kv : *m) {
    sorted[std::string(kv.key())] =
        kv.value().is_string() ? std::string(kv.value().get_string()) : json::serialize(kv.value());
  }
  std::string out;
  for (const auto& [k, v] : sorted) {
    if (!out.empty()) out += ",";
    out += k + "=" + v;
  }
  return out;
}

}  // namespace berth::api::core
