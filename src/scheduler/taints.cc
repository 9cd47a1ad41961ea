#include "scheduler/taints.h"

namespace berth::scheduler {

TaintEffect ParseTaintEffect(std::string_view s) {
  if (s == "NoSchedule") return TaintEffect::kNoSchedule;
  if (s == "PreferNoSchedule") return TaintEffect::kPreferNoSchedule;
  if (s == "NoExecute") return TaintEffect::kNoExecute;
  return TaintEffect::kUnknown;
}

bool Toleration::Tolerates(const Taint& taint) const {
  if (!any_effect && effect != taint.effect) return false;
  if (!key.empty() && key != taint.key) return false;
  if (exists) return true;
  // Equal with an empty key only validates together with Exists; treat as key mismatch.
  if (key.empty()) return false;
  return value == taint.value;
}

std::vector<Taint> ParseTaints(const json::value* taints) {
  std::vector<Taint> out;
  if (!taints || !taints->is_array()) return out;
  for (const auto& t : taints->as_array()) {
    if (!t.is_object()) continue;
    Taint taint;
    taint.key = GetString(t.as_object(), {"key"});
    if (taint.key.empty()) continue;
    taint.value = GetString(t.as_object(), {"value"});
    taint.effect = ParseTaintEffect(GetString(t.as_object(), {"effect"}));
    taint.reason = "node(s) had untolerated taint {" + taint.key + ": " + taint.value + "}";
    out.push_back(std::move(taint));
  }
  return out;
}

std::vector<Toleration> ParseTolerations(const json::value* tolerations) {
  std::vector<Toleration> out;
  if (!tolerations || !tolerations->is_array()) return out;
  for (const auto& t : tolerations->as_array()) {
    if (!t.is_object()) continue;
    const auto& o = t.as_object();
    Toleration tol;
    tol.key = GetString(o, {"key"});
    tol.exists = GetString(o, {"operator"}) == "Exists";
    tol.value = GetString(o, {"value"});
    std::string effect = GetString(o, {"effect"});
    tol.any_effect = effect.empty();
    tol.effect = ParseTaintEffect(effect);
    out.push_back(std::move(tol));
  }
  return out;
}

bool Tolerated(const std::vector<Toleration>& tolerations, const Taint& taint) {
  for (const auto& t : tolerations) {
    if (t.Tolerates(taint)) return true;
  }
  return false;
}

}  // namespace berth::scheduler
