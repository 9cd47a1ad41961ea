#include "controllers/deployment/rolling.h"

#include <cctype>
#include <string>

namespace berth::controllers::deployutil {

int64_t ScaledValue(const json::value* v, int64_t total, bool round_up) {
  if (v == nullptr || v->is_null()) return 0;
  if (v->is_int64()) return v->as_int64();
  if (v->is_uint64()) return static_cast<int64_t>(v->as_uint64());
  if (v->is_double()) return static_cast<int64_t>(v->as_double());
  if (!v->is_string()) return 0;
  std::string s(v->as_string());
  bool percent = !s.empty() && s.back() == '%';
  if (percent) s.pop_back();
  if (s.empty() || s.size() > 12) return 0;
  for (char c : s) {
    if (!std::isdigit(static_cast<unsigned char>(c))) return 0;
  }
  int64_t n = std::stoll(s);
  if (!percent) return n;  // kube accepts "5" as a string only in some places; treat as count
  int64_t product = n * total;
  return round_up ? (product + 99) / 100 : product / 100;
}

Fenceposts ResolveFenceposts(const json::value* max_surge, const json::value* max_unavailable,
                             int64_t desired) {
  Fenceposts f;
  f.max_surge = ScaledValue(max_surge, desired, /*round_up=*/true);
  f.max_unavailable = ScaledValue(max_unavailable, desired, /*round_up=*/false);
  if (f.max_surge == 0 && f.max_unavailable == 0) f.max_unavailable = 1;
  return f;
}

bool IsRollingUpdate(const json::object& d) {
  std::string type = GetString(d, {"spec", "strategy", "type"});
  return type.empty() || type == "RollingUpdate";
}

namespace {
Fenceposts FencepostsOf(const json::object& d) {
  const json::value* ru = GetPath(d, {"spec", "strategy", "rollingUpdate"});
  const json::value* surge = nullptr;
  const json::value* unavailable = nullptr;
  // kube defaults both to 25% when rollingUpdate is absent.
  static const json::value kDefault("25%");
  surge = &kDefault;
  unavailable = &kDefault;
  if (ru != nullptr && ru->is_object()) {
    if (const auto* s = ru->as_object().if_contains("maxSurge")) surge = s;
    if (const auto* u = ru->as_object().if_contains("maxUnavailable")) unavailable = u;
  }
  return ResolveFenceposts(surge, unavailable, GetInt(d, {"spec", "replicas"}, 1));
}
}  // namespace

int64_t MaxSurge(const json::object& d) {
  if (!IsRollingUpdate(d)) return 0;
  return FencepostsOf(d).max_surge;
}

int64_t MaxUnavailable(const json::object& d) {
  int64_t replicas = GetInt(d, {"spec", "replicas"}, 1);
  if (!IsRollingUpdate(d) || replicas == 0) return 0;
  int64_t u = FencepostsOf(d).max_unavailable;
  return u > replicas ? replicas : u;
}

}  // namespace berth::controllers::deployutil
