#include "controllers/nodelifecycle/taints.h"

#include <algorithm>
#include <set>
#include <utility>

namespace berth::controllers {

namespace {

const std::set<std::string>& ManagedKeys() {
  static const std::set<std::string> kKeys = {
      kTaintNotReady,     kTaintUnreachable, kTaintUnschedulable,     kTaintMemoryPressure,
      kTaintDiskPressure, kTaintPIDPressure, kTaintNetworkUnavailable};
  return kKeys;
}

bool SameTaint(const json::object& a, const json::object& b) {
  return GetString(a, {"key"}) == GetString(b, {"key"}) &&
         GetString(a, {"effect"}) == GetString(b, {"effect"});
}

}  // namespace

bool ToleratesTaint(const json::object& toleration, const json::object& taint) {
  std::string effect = GetString(toleration, {"effect"});
  if (!effect.empty() && effect != GetString(taint, {"effect"})) return false;
  std::string key = GetString(toleration, {"key"});
  if (!key.empty() && key != GetString(taint, {"key"})) return false;
  std::string op = GetString(toleration, {"operator"});
  if (op == "Exists") return true;
  if (op.empty() || op == "Equal") {
    return GetString(toleration, {"value"}) == GetString(taint, {"value"});
  }
  return false;
}

std::vector<json::object> NoExecuteTaints(const json::object& node) {
  std::vector<json::object> out;
  const json::value* taints = GetPath(node, {"spec", "taints"});
  if (!taints || !taints->is_array()) return out;
  for (const auto& t : taints->as_array()) {
    if (t.is_object() && GetString(t, {"effect"}) == "NoExecute") out.push_back(t.as_object());
  }
  return out;
}

std::string NodeConditionStatus(const json::object& node, const std::string& type) {
  const json::value* conds = GetPath(node, {"status", "conditions"});
  if (!conds || !conds->is_array()) return "";
  for (const auto& c : conds->as_array()) {
    if (GetString(c, {"type"}) == type) return GetString(c, {"status"});
  }
  return "";
}

std::vector<json::object> ConditionTaints(const json::object& node) {
  std::vector<json::object> out;
  auto add = [&](const char* key, const char* effect) {
    out.push_back(json::object{{"key", key}, {"effect", effect}});
  };
  std::string ready = NodeConditionStatus(node, "Ready");
  if (ready == "False") {
    add(kTaintNotReady, "NoSchedule");
    add(kTaintNotReady, "NoExecute");
  } else if (ready == "Unknown") {
    add(kTaintUnreachable, "NoSchedule");
    add(kTaintUnreachable, "NoExecute");
  }
  const std::pair<const char*, const char*> pressure[] = {
      {"MemoryPressure", kTaintMemoryPressure},
      {"DiskPressure", kTaintDiskPressure},
      {"PIDPressure", kTaintPIDPressure},
      {"NetworkUnavailable", kTaintNetworkUnavailable}};
  for (const auto& [cond, key] : pressure) {
    if (NodeConditionStatus(node, cond) == "True") add(key, "NoSchedule");
  }
  const json::value* unsched = GetPath(node, {"spec", "unschedulable"});
  if (unsched && unsched->is_bool() && unsched->as_bool()) add(kTaintUnschedulable, "NoSchedule");
  return out;
}

std::optional<json::array> ReconcileTaints(const json::object& node,
                                           const std::vector<json::object>& desired,
                                           const std::string& now_rfc3339) {
  json::array current;
  if (const json::value* t = GetPath(node, {"spec", "taints"}); t && t->is_array()) {
    current = t->as_array();
  }
  json::array out;
  bool changed = false;
  for (const auto& t : current) {
    if (!t.is_object()) continue;
    const json::object& to = t.as_object();
    bool managed = ManagedKeys().count(GetString(to, {"key"})) > 0;
    bool wanted = std::any_of(desired.begin(), desired.end(),
                              [&](const json::object& d) { return SameTaint(d, to); });
    if (managed && !wanted) {
      changed = true;
      continue;
    }
    out.push_back(t);
  }
  for (const auto& d : desired) {
    bool present = std::any_of(out.begin(), out.end(), [&](const json::value& t) {
      return t.is_object() && SameTaint(t.as_object(), d);
    });
    if (present) continue;
    json::object n = d;
    if (GetString(d, {"effect"}) == "NoExecute") n["timeAdded"] = now_rfc3339;
    out.push_back(std::move(n));
    changed = true;
  }
  if (!changed) return std::nullopt;
  return out;
}

EvictionDecision DecideEviction(const json::object& pod, const std::vector<json::object>& taints,
                                Clock::time_point now, Clock::time_point observed,
                                Clock::time_point* deadline) {
  if (taints.empty()) return EvictionDecision::kKeep;
  const json::value* tv = GetPath(pod, {"spec", "tolerations"});
  static const json::array kNone;
  const json::array& tolerations = tv && tv->is_array() ? tv->as_array() : kNone;
  int64_t min_seconds = -1;  // -1: tolerated forever
  Clock::time_point start = Clock::time_point::min();
  for (const auto& taint : taints) {
    const json::object* used = nullptr;
    for (const auto& tol : tolerations) {
      if (tol.is_object() && ToleratesTaint(tol.as_object(), taint)) {
        used = &tol.as_object();
        break;
      }
    }
    if (!used) return EvictionDecision::kEvictNow;
    const json::value* secs = used->if_contains("tolerationSeconds");
    if (secs && secs->is_number()) {
      int64_t s =
          secs->is_int64() ? secs->get_int64() : static_cast<int64_t>(secs->to_number<double>());
      if (s < 0) s = 0;
      if (min_seconds < 0 || s < min_seconds) min_seconds = s;
    }
    Clock::time_point added;
    start =
        std::max(start, ParseRfc3339(GetString(taint, {"timeAdded"}), &added) ? added : observed);
  }
  if (min_seconds < 0) return EvictionDecision::kKeep;
  *deadline = start + std::chrono::seconds(min_seconds);
  return *deadline <= now ? EvictionDecision::kEvictNow : EvictionDecision::kEvictAt;
}

}  // namespace berth::controllers
