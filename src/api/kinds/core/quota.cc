// ResourceQuota accounting (see quota.h); the rules are kube's quota evaluators
// (pods, services, generic object counts).
#include "api/kinds/core/quota.h"

#include <algorithm>
#include <vector>

#include "api/kinds/core/core_kinds.h"
#include "common/clock.h"
#include "common/json.h"

namespace berth::api::quota {

namespace {

using validation::Quantity;

const json::object* Obj(const json::object& o, const char* key) {
  auto it = o.find(key);
  return it != o.end() && it->value().is_object() ? &it->value().get_object() : nullptr;
}

const json::array* Arr(const json::object& o, const char* key) {
  auto it = o.find(key);
  return it != o.end() && it->value().is_array() ? &it->value().get_array() : nullptr;
}

// Per-resource max of two lists.
void MaxInto(ResourceList& a, const ResourceList& b) {
  for (const auto& [k, v] : b) {
    auto it = a.find(k);
    if (it == a.end()) {
      a[k] = v;
    } else if (v.value > it->second.value) {
      it->second.value = v.value;
    }
  }
}

// A container's requests (defaulting to its limits, as the API does) and limits.
void ContainerResources(const json::object& c, ResourceList* req, ResourceList* lim) {
  const json::object* res = Obj(c, "resources");
  if (!res) return;
  *lim = ParseResourceList(res->if_contains("limits"));
  *req = ParseResourceList(res->if_contains("requests"));
  for (const auto& [k, v] : *lim) req->emplace(k, v);
}

// kube's PodRequestsAndLimits: sum of the containers, at least each init
// container, plus the pod overhead.
void PodResources(const json::object& spec, ResourceList* req, ResourceList* lim) {
  if (const json::array* cs = Arr(spec, "containers")) {
    for (const auto& c : *cs) {
      if (!c.is_object()) continue;
      ResourceList r, l;
      ContainerResources(c.get_object(), &r, &l);
      AddInto(*req, r);
      AddInto(*lim, l);
    }
  }
  if (const json::array* cs = Arr(spec, "initContainers")) {
    for (const auto& c : *cs) {
      if (!c.is_object()) continue;
      ResourceList r, l;
      ContainerResources(c.get_object(), &r, &l);
      MaxInto(*req, r);
      MaxInto(*lim, l);
    }
  }
  ResourceList overhead = ParseResourceList(spec.if_contains("overhead"));
  if (!overhead.empty()) {
    AddInto(*req, overhead);
    // Overhead counts towards limits only for resources that have a limit.
    for (const auto& [k, v] : overhead) {
      if (auto it = lim->find(k); it != lim->end()) it->second.value += v.value;
    }
  }
}

bool IsExtended(const std::string& name) {
  if (name.find('/') == std::string::npos) return false;
  if (name.rfind("requests.", 0) == 0) return false;
  std::string domain = name.substr(0, name.find('/'));
  return domain != "kubernetes.io" && domain.find(".kubernetes.io") == std::string::npos;
}

bool PodIsTerminating(const json::object& spec) {
  auto it = spec.find("activeDeadlineSeconds");
  return it != spec.end() && it->value().is_number() && it->value().to_number<double>() >= 0;
}

bool HasCrossNamespaceAffinity(const json::object& spec) {
  const json::object* aff = Obj(spec, "affinity");
  if (!aff) return false;
  for (const char* kind : {"podAffinity", "podAntiAffinity"}) {
    const json::object* pa = Obj(*aff, kind);
    if (!pa) continue;
    for (const auto& kv : *pa) {
      if (!kv.value().is_array()) continue;
      for (const auto& term : kv.value().get_array()) {
        if (!term.is_object()) continue;
        const json::object* t = &term.get_object();
        if (const json::object* inner = Obj(*t, "podAffinityTerm")) t = inner;
        const json::array* nss = Arr(*t, "namespaces");
        if ((nss && !nss->empty()) || t->contains("namespaceSelector")) return true;
      }
    }
  }
  return false;
}

// One scope selector requirement against a pod.
bool RequirementMatches(const std::string& scope, const std::string& op,
                        const std::vector<std::string>& values, const json::object& pod) {
  const json::object empty;
  const json::object* spec_ptr = Obj(pod, "spec");
  const json::object& spec = spec_ptr ? *spec_ptr : empty;
  bool positive;
  if (scope == "PriorityClass") {
    std::string pc = GetString(spec, {"priorityClassName"});
    if (op == "Exists") return !pc.empty();
    if (op == "DoesNotExist") return pc.empty();
    bool in = std::find(values.begin(), values.end(), pc) != values.end();
    if (op == "In") return in;
    if (op == "NotIn") return !in;
    return false;
  }
  if (scope == "Terminating") {
    positive = PodIsTerminating(spec);
  } else if (scope == "NotTerminating") {
    positive = !PodIsTerminating(spec);
  } else if (scope == "BestEffort") {
    positive = core::PodQosClass(spec) == "BestEffort";
  } else if (scope == "NotBestEffort") {
    positive = core::PodQosClass(spec) != "BestEffort";
  } else if (scope == "CrossNamespacePodAffinity") {
    positive = HasCrossNamespaceAffinity(spec);
  } else {
    return false;
  }
  if (op == "DoesNotExist") return !positive;
  return positive;  // Exists (the only other operator these scopes allow)
}

}  // namespace

ResourceList ParseResourceList(const json::value* v) {
  ResourceList out;
  if (!v || !v->is_object()) return out;
  for (const auto& kv : v->get_object()) {
    std::string text;
    if (kv.value().is_string()) {
      text = std::string(kv.value().get_string());
    } else if (kv.value().is_number()) {
      text = json::serialize(kv.value());
    } else {
      continue;
    }
    if (auto q = validation::ParseQuantity(text)) out[std::string(kv.key())] = *q;
  }
  return out;
}

json::object ResourceListToJson(const ResourceList& l) {
  json::object o;
  for (const auto& [k, v] : l) o[k] = QuantityText(v);
  return o;
}

std::string QuantityText(const Quantity& q) { return validation::CanonicalQuantity(q); }

void AddInto(ResourceList& a, const ResourceList& b) {
  for (const auto& [k, v] : b) {
    auto it = a.find(k);
    if (it == a.end()) {
      a[k] = v;
    } else {
      // A zero placeholder takes the format of the first real amount ("0" + "1Gi" = "1Gi").
      if (it->second.value == 0) it->second.format = v.format;
      it->second.value += v.value;
    }
  }
}

Quantity Count(int64_t n) {
  Quantity q;
  q.value = static_cast<long double>(n) * 1000.0L;
  q.format = "DecimalSI";
  return q;
}

std::string CountName(const std::string& plural, const std::string& group) {
  return group.empty() ? "count/" + plural : "count/" + plural + "." + group;
}

bool PodChargeable(const json::object& pod, std::chrono::system_clock::time_point now) {
  std::string phase = GetString(pod, {"status", "phase"});
  if (phase == "Succeeded" || phase == "Failed") return false;
  std::string ts = GetString(pod, {"metadata", "deletionTimestamp"});
  const json::value* grace = GetPath(pod, {"metadata", "deletionGracePeriodSeconds"});
  if (!ts.empty() && grace && grace->is_number()) {
    Clock::time_point at;
    if (ParseRfc3339(ts, &at)) {
      auto g = std::chrono::seconds(static_cast<int64_t>(grace->to_number<double>()));
      if (now > at + g) return false;
    }
  }
  return true;
}

bool QuotaHasScopes(const json::object& quota) {
  const json::value* scopes = GetPath(quota, {"spec", "scopes"});
  if (scopes && scopes->is_array() && !scopes->get_array().empty()) return true;
  const json::value* exprs = GetPath(quota, {"spec", "scopeSelector", "matchExpressions"});
  return exprs && exprs->is_array() && !exprs->get_array().empty();
}

bool QuotaSelectsPod(const json::object& quota, const json::object& pod) {
  if (const json::value* scopes = GetPath(quota, {"spec", "scopes"});
      scopes && scopes->is_array()) {
    for (const auto& s : scopes->get_array()) {
      if (!s.is_string()) continue;
      if (!RequirementMatches(std::string(s.get_string()), "Exists", {}, pod)) return false;
    }
  }
  if (const json::value* exprs = GetPath(quota, {"spec", "scopeSelector", "matchExpressions"});
      exprs && exprs->is_array()) {
    for (const auto& e : exprs->get_array()) {
      std::vector<std::string> values;
      if (const json::value* vs = GetPath(e, {"values"}); vs && vs->is_array()) {
        for (const auto& v : vs->get_array()) {
          if (v.is_string()) values.emplace_back(v.get_string());
        }
      }
      if (!RequirementMatches(GetString(e, {"scopeName"}), GetString(e, {"operator"}), values,
                              pod)) {
        return false;
      }
    }
  }
  return true;
}

bool QuotaApplies(const json::object& quota, const std::string& plural, const std::string& group,
                  const json::object& obj) {
  if (!QuotaHasScopes(quota)) return true;
  if (!(group.empty() && plural == "pods")) return false;
  return QuotaSelectsPod(quota, obj);
}

ResourceList UsageOf(const std::string& plural, const std::string& group, const json::object& obj,
                     std::chrono::system_clock::time_point now) {
  ResourceList out;
  out[CountName(plural, group)] = Count(1);
  if (!group.empty()) return out;
  if (plural == "pods") {
    bool chargeable = PodChargeable(obj, now);
    out["pods"] = Count(chargeable ? 1 : 0);
    if (!chargeable) return out;
    const json::object* spec = Obj(obj, "spec");
    if (!spec) return out;
    ResourceList req, lim;
    PodResources(*spec, &req, &lim);
    for (const auto& [k, v] : req) {
      if (k == "cpu" || k == "memory" || k == "ephemeral-storage") {
        out[k] = v;
        out["requests." + k] = v;
      } else if (IsExtended(k) || k.rfind("hugepages-", 0) == 0) {
        out["requests." + k] = v;
      }
    }
    for (const auto& [k, v] : lim) {
      if (k == "cpu" || k == "memory" || k == "ephemeral-storage" ||
          k.rfind("hugepages-", 0) == 0) {
        out["limits." + k] = v;
      }
    }
    return out;
  }
  if (plural == "services") {
    out["services"] = Count(1);
    std::string type = GetString(obj, {"spec", "type"});
    int64_t node_ports = 0;
    if (type == "NodePort" || type == "LoadBalancer") {
      const json::value* ports = GetPath(obj, {"spec", "ports"});
      if (ports && ports->is_array()) node_ports = static_cast<int64_t>(ports->get_array().size());
      const json::value* alloc = GetPath(obj, {"spec", "allocateLoadBalancerNodePorts"});
      if (type == "LoadBalancer" && alloc && alloc->is_bool() && !alloc->get_bool()) {
        node_ports = 0;
      }
    }
    out["services.nodeports"] = Count(node_ports);
    out["services.loadbalancers"] = Count(type == "LoadBalancer" ? 1 : 0);
    return out;
  }
  if (plural == "configmaps" || plural == "secrets" || plural == "replicationcontrollers" ||
      plural == "resourcequotas" || plural == "persistentvolumeclaims") {
    out[plural] = Count(1);
  }
  return out;
}

bool Feeds(const std::string& plural, const std::string& group, const std::string& name) {
  if (name == CountName(plural, group)) return true;
  if (!group.empty()) return false;
  if (plural == "pods") {
    if (name == "pods" || name == "cpu" || name == "memory" || name == "ephemeral-storage") {
      return true;
    }
    if (name.rfind("requests.", 0) == 0 || name.rfind("limits.", 0) == 0) {
      return name != "requests.storage";
    }
    return name.rfind("hugepages-", 0) == 0;
  }
  if (plural == "services") {
    return name == "services" || name == "services.nodeports" || name == "services.loadbalancers";
  }
  if (plural == "configmaps" || plural == "secrets" || plural == "replicationcontrollers" ||
      plural == "resourcequotas" || plural == "persistentvolumeclaims") {
    return name == plural;
  }
  return false;
}

std::string MissingPodConstraints(const json::object& pod, const std::set<std::string>& hard) {
  static const std::set<std::string> kValidation = {"cpu",          "memory",
                                                    "requests.cpu", "requests.memory",
                                                    "limits.cpu",   "limits.memory"};
  std::map<std::string, std::set<std::string>> missing;  // resource -> container names
  const json::object* spec = Obj(pod, "spec");
  if (!spec) return "";
  for (const char* key : {"containers", "initContainers"}) {
    const json::array* cs = Arr(*spec, key);
    if (!cs) continue;
    for (const auto& cv : *cs) {
      if (!cv.is_object()) continue;
      const json::object& c = cv.get_object();
      ResourceList req, lim;
      ContainerResources(c, &req, &lim);
      for (const auto& name : hard) {
        if (!kValidation.count(name)) continue;
        bool is_limit = name.rfind("limits.", 0) == 0;
        std::string base = name.substr(name.find('.') == std::string::npos ? 0 : name.find('.') + 1);
        const ResourceList& have = is_limit ? lim : req;
        if (!have.count(base)) missing[name].insert(GetString(c, {"name"}));
      }
    }
  }
  std::string out;
  for (const auto& [name, containers] : missing) {
    if (!out.empty()) out += "; ";
    out += name + " for: ";
    bool first = true;
    for (const auto& c : containers) {
      if (!first) out += ",";
      out += c;
      first = false;
    }
  }
  return out;
}

}  // namespace berth::api::quota
