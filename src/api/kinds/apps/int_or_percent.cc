#include "api/kinds/apps/int_or_percent.h"

#include <cctype>

#include "api/kinds/apps/field_errors.h"

namespace berth::api::workload {

namespace {

constexpr const char* kPercentMsg =
    "a valid percent string must be a numeric string followed by an ending '%' (e.g. '1%', or "
    "'93%', regex used for validation is '[0-9]+%')";

bool IsPercent(std::string_view s) {
  if (s.size() < 2 || s.back() != '%') return false;
  for (size_t i = 0; i + 1 < s.size(); ++i) {
    if (!std::isdigit(static_cast<unsigned char>(s[i]))) return false;
  }
  return true;
}

}  // namespace

std::string GoIntOrString(const json::value& v) {
  if (v.is_string()) {
    return "intstr.IntOrString{Type:1, IntVal:0, StrVal:" + GoQuote(v.get_string()) + "}";
  }
  return "intstr.IntOrString{Type:0, IntVal:" + GoValue(v) + ", StrVal:\"\"}";
}

std::optional<int64_t> IntOrPercentValue(const json::value& v) {
  if (v.is_int64()) return v.get_int64();
  if (v.is_uint64()) return static_cast<int64_t>(v.get_uint64());
  if (v.is_string() && IsPercent(v.get_string())) {
    std::string_view s = v.get_string();
    s.remove_suffix(1);
    if (s.size() > 12) return std::nullopt;
    return std::stoll(std::string(s));
  }
  return std::nullopt;
}

void ValidatePositiveIntOrPercent(const json::value& v, const std::string& path,
                                  std::vector<Cause>& out) {
  if (v.is_string()) {
    if (!IsPercent(v.get_string())) out.push_back(InvalidCause(path, GoIntOrString(v), kPercentMsg));
    return;
  }
  if (v.is_int64() || v.is_uint64()) {
    std::optional<int64_t> n = IntOrPercentValue(v);
    if (n && *n < 0) out.push_back(InvalidCause(path, std::to_string(*n), kNegativeMsg));
    return;
  }
  out.push_back(InvalidCause(path, GoValue(v), "must be an integer or percentage (e.g '5%')"));
}

void ValidateNotMoreThan100Percent(const json::value& v, const std::string& path,
                                   std::vector<Cause>& out) {
  if (!v.is_string() || !IsPercent(v.get_string())) return;
  std::optional<int64_t> n = IntOrPercentValue(v);
  if (n && *n > 100) {
    out.push_back(InvalidCause(path, GoIntOrString(v), "must not be greater than 100%"));
  }
}

}  // namespace berth::api::workload
