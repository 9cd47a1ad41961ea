#include "controllers/disruption/budget_math.h"

#include <algorithm>
#include <cstdlib>

namespace berth::controllers {

StatusOr<int64_t> ScaledIntOrPercent(const json::value& v, int64_t total, bool round_up) {
  if (v.is_int64()) return v.get_int64();
  if (v.is_uint64()) return static_cast<int64_t>(v.get_uint64());
  if (v.is_string()) {
    std::string s(v.get_string());
    if (s.size() >= 2 && s.back() == '%' && s.find_first_not_of("0123456789") == s.size() - 1) {
      int64_t pct = std::atoll(s.substr(0, s.size() - 1).c_str());
      int64_t prod = pct * total;
      return round_up ? (prod + 99) / 100 : prod / 100;
    }
    return BadRequest("invalid value for IntOrString: invalid value \"" + s +
                      "\": strconv.Atoi: parsing \"" + s + "\": invalid syntax");
  }
  return BadRequest("invalid value for IntOrString: invalid type: neither int nor percentage");
}

namespace {
const json::value* Field(const json::object& pdb, const char* name) {
  const json::value* v = GetPath(pdb, {"spec", name});
  return v && !v->is_null() ? v : nullptr;
}
}  // namespace

BudgetBase BaseOf(const json::object& pdb) {
  if (Field(pdb, "maxUnavailable")) return BudgetBase::kControllerScale;
  const json::value* min = Field(pdb, "minAvailable");
  if (min && min->is_string()) return BudgetBase::kControllerScale;
  return BudgetBase::kSelectedPods;
}

StatusOr<int64_t> DesiredHealthy(const json::object& pdb, int64_t expected) {
  if (const json::value* max = Field(pdb, "maxUnavailable")) {
    auto m = ScaledIntOrPercent(*max, expected, true);
    if (!m.ok()) return m.status();
    return std::max<int64_t>(0, expected - *m);
  }
  if (const json::value* min = Field(pdb, "minAvailable")) {
    return ScaledIntOrPercent(*min, expected, true);
  }
  return int64_t{0};
}

int64_t DisruptionsAllowed(int64_t current_healthy, int64_t desired_healthy, int64_t expected) {
  int64_t allowed = current_healthy - desired_healthy;
  return expected <= 0 || allowed <= 0 ? 0 : allowed;
}

}  // namespace berth::controllers
