#include "controllers/job/pod_failure_policy.h"

#include <cstdint>
#include <string_view>

namespace berth::controllers {

namespace {

const json::array* ArrayAt(const json::object& o, std::string_view key) {
  const json::value* v = GetPath(o, {key});
  return v != nullptr && v->is_array() ? &v->as_array() : nullptr;
}

bool ExitCodeMatches(int64_t code, const json::object& req) {
  bool in_values = false;
  if (const json::array* values = ArrayAt(req, "values")) {
    for (const json::value& v : *values) {
      if ((v.is_int64() && v.as_int64() == code) || (v.is_uint64() && v.as_uint64() == static_cast<uint64_t>(code))) {
        in_values = true;
      }
    }
  }
  const std::string op = GetString(req, {"operator"});
  if (op == "In") return in_values;
  if (op == "NotIn") return !in_values;
  return false;
}

// The name and exit code of the first container in `statuses` the requirement matches.
bool MatchContainer(const json::object& req, const json::object& pod, const char* field,
                    std::string* name, int64_t* code) {
  const json::value* st = GetPath(pod, {"status", field});
  if (st == nullptr || !st->is_array()) return false;
  const std::string want = GetString(req, {"containerName"});
  for (const json::value& c : st->as_array()) {
    if (!c.is_object()) continue;
    const json::object& cs = c.as_object();
    if (!want.empty() && GetString(cs, {"name"}) != want) continue;
    const json::value* term = GetPath(cs, {"state", "terminated"});
    if (term == nullptr || !term->is_object()) continue;
    int64_t exit_code = GetInt(term->as_object(), {"exitCode"});
    if (exit_code == 0 || !ExitCodeMatches(exit_code, req)) continue;
    *name = GetString(cs, {"name"});
    *code = exit_code;
    return true;
  }
  return false;
}

// The type of the first pod condition one of `patterns` matches, "" if none.
std::string MatchCondition(const json::array& patterns, const json::object& pod) {
  const json::value* conds = GetPath(pod, {"status", "conditions"});
  if (conds == nullptr || !conds->is_array()) return "";
  for (const json::value& p : patterns) {
    if (!p.is_object()) continue;
    const std::string type = GetString(p.as_object(), {"type"});
    const std::string status = GetString(p.as_object(), {"status"}, "True");
    for (const json::value& c : conds->as_array()) {
      if (c.is_object() && GetString(c.as_object(), {"type"}) == type &&
          GetString(c.as_object(), {"status"}) == status) {
        return type;
      }
    }
  }
  return "";
}

}  // namespace

bool HasPodFailurePolicy(const json::object& job_spec) {
  const json::value* rules = GetPath(job_spec, {"podFailurePolicy", "rules"});
  return rules != nullptr && rules->is_array() && !rules->as_array().empty();
}

FailureMatch MatchPodFailurePolicy(const json::object& job_spec, const json::object& pod) {
  const json::value* rules = GetPath(job_spec, {"podFailurePolicy", "rules"});
  if (rules == nullptr || !rules->is_array()) return {};
  const std::string pod_ref =
      GetString(pod, {"metadata", "namespace"}) + "/" + GetString(pod, {"metadata", "name"});
  size_t index = 0;
  for (const json::value& r : rules->as_array()) {
    const size_t i = index++;
    if (!r.is_object()) continue;
    const json::object& rule = r.as_object();
    const std::string action = GetString(rule, {"action"});
    if (action != "FailJob" && action != "Ignore" && action != "Count" && action != "FailIndex") {
      continue;
    }
    std::string what;  // the failure message's subject, set when the rule matches
    if (const json::value* req = rule.if_contains("onExitCodes"); req && req->is_object()) {
      std::string name;
      int64_t code = 0;
      if (MatchContainer(req->as_object(), pod, "initContainerStatuses", &name, &code) ||
          MatchContainer(req->as_object(), pod, "containerStatuses", &name, &code)) {
        what = "Container " + name + " for pod " + pod_ref + " failed with exit code " +
               std::to_string(code);
      }
    } else if (const json::array* patterns = ArrayAt(rule, "onPodConditions")) {
      std::string type = MatchCondition(*patterns, pod);
      if (!type.empty()) what = "Pod " + pod_ref + " has condition " + type;
    }
    if (what.empty()) continue;
    if (action == "Ignore") return {FailureAction::kIgnore, ""};
    if (action == "FailJob") {
      return {FailureAction::kFailJob,
              what + " matching FailJob rule at index " + std::to_string(i)};
    }
    return {FailureAction::kCount, ""};
  }
  return {};
}

}  // namespace berth::controllers
