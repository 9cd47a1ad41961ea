#include "controllers/daemonset/node_eligibility.h"

#include <cstdlib>
#include <optional>

namespace berth::controllers::daemon {

namespace {

const json::array& ArrayAt(const json::object& o, std::string_view key) {
  static const json::array kEmpty;
  const json::value* v = o.if_contains(key);
  return v && v->is_array() ? v->as_array() : kEmpty;
}

std::optional<std::string> LabelOf(const json::object& node, const std::string& key) {
  const json::value* l = GetPath(node, {"metadata", "labels"});
  if (!l || !l->is_object()) return std::nullopt;
  const json::value* v = l->as_object().if_contains(key);
  if (!v || !v->is_string()) return std::nullopt;
  return std::string(v->as_string());
}

std::optional<long long> ParseInt(const std::string& s) {
  if (s.empty()) return std::nullopt;
  char* end = nullptr;
  long long v = std::strtoll(s.c_str(), &end, 10);
  if (end == nullptr || *end != '\0') return std::nullopt;
  return v;
}

// One NodeSelectorRequirement against a value (absent = nullopt).
bool RequirementMatches(const json::object& req, const std::optional<std::string>& value) {
  std::string op = GetString(req, {"operator"});
  std::vector<std::string> values;
  for (const auto& v : ArrayAt(req, "values")) {
    if (v.is_string()) values.emplace_back(v.as_string());
  }
  auto in = [&] {
    for (const auto& v : values) {
      if (value && *value == v) return true;
    }
    return false;
  };
  if (op == "In") return value && in();
  if (op == "NotIn") return !value || !in();
  if (op == "Exists") return value.has_value();
  if (op == "DoesNotExist") return !value.has_value();
  if (op == "Gt" || op == "Lt") {
    if (!value || values.size() != 1) return false;
    auto have = ParseInt(*value), want = ParseInt(values[0]);
    if (!have || !want) return false;
    return op == "Gt" ? *have > *want : *have < *want;
  }
  return false;
}

bool TermMatches(const json::object& term, const json::object& node) {
  const json::array& exprs = ArrayAt(term, "matchExpressions");
  const json::array& fields = ArrayAt(term, "matchFields");
  if (exprs.empty() && fields.empty()) return false;  // an empty term matches nothing
  for (const auto& e : exprs) {
    if (!e.is_object()) return false;
    if (!RequirementMatches(e.as_object(), LabelOf(node, GetString(e.as_object(), {"key"})))) {
      return false;
    }
  }
  for (const auto& f : fields) {
    if (!f.is_object()) return false;
    if (GetString(f.as_object(), {"key"}) != "metadata.name") return false;
    if (!RequirementMatches(f.as_object(), GetString(node, {"metadata", "name"}))) return false;
  }
  return true;
}

}  // namespace

bool ToleratesTaint(const json::object& toleration, const json::object& taint) {
  std::string effect = GetString(toleration, {"effect"});
  if (!effect.empty() && effect != GetString(taint, {"effect"})) return false;
  std::string key = GetString(toleration, {"key"});
  std::string op = GetString(toleration, {"operator"}, "Equal");
  if (key.empty()) return op == "Exists";  // an empty key with Exists tolerates everything
  if (key != GetString(taint, {"key"})) return false;
  if (op == "Exists") return true;
  return op == "Equal" && GetString(toleration, {"value"}) == GetString(taint, {"value"});
}

bool MatchesNodeSelection(const json::object& pod_spec, const json::object& node) {
  if (const json::value* sel = pod_spec.if_contains("nodeSelector"); sel && sel->is_object()) {
    for (const auto& kv : sel->as_object()) {
      auto have = LabelOf(node, std::string(kv.key()));
      if (!have || !kv.value().is_string() || *have != kv.value().as_string()) return false;
    }
  }
  const json::value* req = GetPath(
      pod_spec, {"affinity", "nodeAffinity", "requiredDuringSchedulingIgnoredDuringExecution"});
  if (req && req->is_object()) {
    const json::array& terms = ArrayAt(req->as_object(), "nodeSelectorTerms");
    bool any = false;
    for (const auto& t : terms) {
      if (t.is_object() && TermMatches(t.as_object(), node)) {
        any = true;
        break;
      }
    }
    if (!any) return false;
  }
  return true;
}

Placement NodeShouldRunDaemonPod(const json::object& node, const json::object& pod_spec) {
  Placement p;
  std::string fixed = GetString(pod_spec, {"nodeName"});
  if (!fixed.empty() && fixed != GetString(node, {"metadata", "name"})) return p;
  if (!MatchesNodeSelection(pod_spec, node)) return p;
  p.should_run = true;
  p.should_continue_running = true;
  const json::value* taints = GetPath(node, {"spec", "taints"});
  if (!taints || !taints->is_array()) return p;
  const json::array& tolerations = ArrayAt(pod_spec, "tolerations");
  for (const auto& t : taints->as_array()) {
    if (!t.is_object()) continue;
    const json::object& taint = t.as_object();
    std::string effect = GetString(taint, {"effect"});
    if (effect != "NoSchedule" && effect != "NoExecute") continue;
    bool tolerated = false;
    for (const auto& tol : tolerations) {
      if (tol.is_object() && ToleratesTaint(tol.as_object(), taint)) {
        tolerated = true;
        break;
      }
    }
    if (tolerated) continue;
    p.should_run = false;
    if (effect == "NoExecute") p.should_continue_running = false;
  }
  return p;
}

}  // namespace berth::controllers::daemon
