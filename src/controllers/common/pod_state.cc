#include "controllers/common/pod_state.h"

#include "controllers/common/owner_refs.h"

namespace berth::controllers {

bool IsPodActive(const json::object& pod) {
  std::string phase = GetString(pod, {"status", "phase"});
  return phase != "Succeeded" && phase != "Failed" && !IsBeingDeleted(pod);
}

namespace {
const json::object* ReadyCondition(const json::object& pod) {
  const auto* st = pod.if_contains("status");
  if (!st || !st->is_object()) return nullptr;
  const auto* conds = st->as_object().if_contains("conditions");
  if (!conds || !conds->is_array()) return nullptr;
  for (const auto& c : conds->as_array()) {
    if (c.is_object() && GetString(c.as_object(), {"type"}) == "Ready") return &c.as_object();
  }
  return nullptr;
}
}  // namespace

bool IsPodReady(const json::object& pod) {
  const json::object* c = ReadyCondition(pod);
  return c && GetString(*c, {"status"}) == "True";
}

bool PodReadySince(const json::object& pod, Clock::time_point* since) {
  const json::object* c = ReadyCondition(pod);
  if (!c || GetString(*c, {"status"}) != "True") return false;
  if (!ParseRfc3339(GetString(*c, {"lastTransitionTime"}), since)) *since = Clock::time_point{};
  return true;
}

bool IsPodAvailable(const json::object& pod, int min_ready_seconds, Clock::time_point now) {
  Clock::time_point since;
  if (!PodReadySince(pod, &since)) return false;
  if (min_ready_seconds <= 0) return true;
  return since + std::chrono::seconds(min_ready_seconds) <= now;
}

json::object PodFromTemplate(const json::object& template_spec, const json::object& owner,
                             const std::string& generate_name_prefix, const std::string& name) {
  json::object md;
  if (const auto* tm = template_spec.if_contains("metadata"); tm && tm->is_object()) {
    for (const char* k : {"labels", "annotations"}) {
      if (const auto* v = tm->as_object().if_contains(k)) md[k] = *v;
    }
  }
  if (name.empty()) {
    md["generateName"] = generate_name_prefix;
  } else {
    md["name"] = name;
  }
  md["namespace"] = GetString(owner, {"metadata", "namespace"});
  md["ownerReferences"] = json::array{MakeControllerRef(owner)};
  json::object pod{{"apiVersion", "v1"}, {"kind", "Pod"}, {"metadata", std::move(md)}};
  if (const auto* spec = template_spec.if_contains("spec")) pod["spec"] = *spec;
  return pod;
}

std::string CollectionPath(const std::string& gv, const std::string& ns,
                           const std::string& plural) {
  return ns.empty() ? gv + "/" + plural : gv + "/namespaces/" + ns + "/" + plural;
}

std::string ObjectPath(const std::string& gv, const std::string& ns, const std::string& plural,
                       const std::string& name) {
  return CollectionPath(gv, ns, plural) + "/" + name;
}

std::string PodPath(const json::object& pod) {
  return ObjectPath("/api/v1", GetString(pod, {"metadata", "namespace"}), "pods",
                    GetString(pod, {"metadata", "name"}));
}

}  // namespace berth::controllers
