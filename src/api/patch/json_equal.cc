#include "api/patch/json_equal.h"

namespace berth::api::patch {

namespace {

bool IsNumber(const json::value& v) { return v.is_int64() || v.is_uint64() || v.is_double(); }

bool NumbersEqual(const json::value& a, const json::value& b) {
  if (a.is_double() || b.is_double()) {
    return a.to_number<double>() == b.to_number<double>();
  }
  // Both integral; compare without overflow when signs differ.
  if (a.is_int64() && b.is_int64()) return a.get_int64() == b.get_int64();
  if (a.is_uint64() && b.is_uint64()) return a.get_uint64() == b.get_uint64();
  const int64_t s = a.is_int64() ? a.get_int64() : b.get_int64();
  const uint64_t u = a.is_uint64() ? a.get_uint64() : b.get_uint64();
  return s >= 0 && static_cast<uint64_t>(s) == u;
}

}  // namespace

bool JsonEqual(const json::value& a, const json::value& b) {
  if (IsNumber(a) && IsNumber(b)) return NumbersEqual(a, b);
  if (a.kind() != b.kind()) return false;
  switch (a.kind()) {
    case json::kind::object: {
      const json::object& oa = a.get_object();
      const json::object& ob = b.get_object();
      if (oa.size() != ob.size()) return false;
      for (const auto& [key, value] : oa) {
        const json::value* other = ob.if_contains(key);
        if (other == nullptr || !JsonEqual(value, *other)) return false;
      }
      return true;
    }
    case json::kind::array: {
      const json::array& aa = a.get_array();
      const json::array& ab = b.get_array();
      if (aa.size() != ab.size()) return false;
      for (size_t i = 0; i < aa.size(); ++i) {
        if (!JsonEqual(aa[i], ab[i])) return false;
      }
      return true;
    }
    default:
      return a == b;
  }
}

}  // namespace berth::api::patch
