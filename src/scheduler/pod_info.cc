#include "scheduler/pod_info.h"

#include <algorithm>

namespace berth::scheduler {

namespace {

using api::selector::LabelSelector;

std::map<std::string, std::string> StringMap(const json::value* v) {
  std::map<std::string, std::string> out;
  if (!v || !v->is_object()) return out;
  for (const auto& [k, val] : v->as_object()) {
    if (val.is_string()) out.emplace(std::string(k), std::string(val.as_string()));
  }
  return out;
}

LabelSelector SelectorOf(const json::value* v) {
  if (!v || v->is_null()) return LabelSelector::Nothing();
  auto s = api::selector::FromLabelSelectorJson(*v);
  return s.ok() ? std::move(s.value()) : LabelSelector::Nothing();
}

PodAffinityTerm ParseAffinityTerm(const json::value& v, const std::string& owner_ns, int weight) {
  PodAffinityTerm t;
  t.weight = weight;
  if (!v.is_object()) return t;
  const auto& o = v.as_object();
  t.selector = SelectorOf(o.if_contains("labelSelector"));
  t.topology_key = GetString(o, {"topologyKey"});
  if (const auto* ns = o.if_contains("namespaces"); ns && ns->is_array()) {
    for (const auto& n : ns->as_array()) {
      if (n.is_string()) t.namespaces.emplace_back(n.as_string());
    }
  }
  const json::value* ns_sel = o.if_contains("namespaceSelector");
  bool has_ns_sel = ns_sel && ns_sel->is_object();
  if (has_ns_sel && ns_sel->as_object().empty()) t.all_namespaces = true;
  if (t.namespaces.empty() && !has_ns_sel) t.namespaces.push_back(owner_ns);
  return t;
}

void ParseAffinityTerms(const json::object& aff, std::string_view kind, const std::string& ns,
                        std::vector<PodAffinityTerm>* required,
                        std::vector<PodAffinityTerm>* preferred) {
  const json::value* a = aff.if_contains(kind);
  if (!a || !a->is_object()) return;
  const json::value* req = a->as_object().if_contains("requiredDuringSchedulingIgnoredDuringExecution");
  if (req && req->is_array()) {
    for (const auto& t : req->as_array()) required->push_back(ParseAffinityTerm(t, ns, 0));
  }
  const json::value* pref =
      a->as_object().if_contains("preferredDuringSchedulingIgnoredDuringExecution");
  if (pref && pref->is_array()) {
    for (const auto& w : pref->as_array()) {
      if (!w.is_object()) continue;
      int weight = static_cast<int>(GetInt(w.as_object(), {"weight"}));
      const json::value* term = w.as_object().if_contains("podAffinityTerm");
      if (weight == 0 || !term) continue;
      preferred->push_back(ParseAffinityTerm(*term, ns, weight));
    }
  }
}

void ParseHostPorts(const json::value* containers, std::vector<HostPort>* out) {
  if (!containers || !containers->is_array()) return;
  for (const auto& c : containers->as_array()) {
    const json::value* ports = c.is_object() ? c.as_object().if_contains("ports") : nullptr;
    if (!ports || !ports->is_array()) continue;
    for (const auto& p : ports->as_array()) {
      if (!p.is_object()) continue;
      HostPort hp;
      hp.port = static_cast<int>(GetInt(p.as_object(), {"hostPort"}));
      if (hp.port <= 0) continue;
      hp.protocol = GetString(p.as_object(), {"protocol"}, "TCP");
      hp.ip = GetString(p.as_object(), {"hostIP"}, "0.0.0.0");
      if (hp.ip.empty()) hp.ip = "0.0.0.0";
      out->push_back(std::move(hp));
    }
  }
}

TopologySpreadConstraint ParseSpread(const json::object& c,
                                     const std::map<std::string, std::string>& pod_labels) {
  TopologySpreadConstraint t;
  t.max_skew = static_cast<int>(GetInt(c, {"maxSkew"}, 1));
  t.topology_key = GetString(c, {"topologyKey"});
  t.do_not_schedule = GetString(c, {"whenUnsatisfiable"}, "DoNotSchedule") != "ScheduleAnyway";
  t.selector = SelectorOf(c.if_contains("labelSelector"));
  t.min_domains = static_cast<int>(GetInt(c, {"minDomains"}, 1));
  if (t.min_domains < 1) t.min_domains = 1;
  t.honor_node_affinity = GetString(c, {"nodeAffinityPolicy"}, "Honor") == "Honor";
  t.honor_node_taints = GetString(c, {"nodeTaintsPolicy"}, "Ignore") == "Honor";
  // matchLabelKeys: the pod's own values for these keys narrow the selector.
  const json::value* keys = c.if_contains("matchLabelKeys");
  if (keys && keys->is_array() && !t.selector.IsNothing()) {
    auto reqs = t.selector.requirements();
    for (const auto& k : keys->as_array()) {
      if (!k.is_string()) continue;
      auto it = pod_labels.find(std::string(k.as_string()));
      if (it == pod_labels.end()) continue;
      api::selector::LabelRequirement r;
      r.key = it->first;
      r.op = api::selector::LabelOp::kIn;
      r.values = {it->second};
      reqs.push_back(std::move(r));
    }
    t.selector = LabelSelector::FromRequirements(std::move(reqs));
  }
  return t;
}

}  // namespace

bool HostPort::ConflictsWith(const HostPort& o) const {
  if (port != o.port || protocol != o.protocol) return false;
  return ip == o.ip || ip == "0.0.0.0" || o.ip == "0.0.0.0";
}

bool PodAffinityTerm::Matches(const PodInfo& other) const {
  if (!all_namespaces &&
      std::find(namespaces.begin(), namespaces.end(), other.ns) == namespaces.end()) {
    return false;
  }
  return selector.Matches(other.labels);
}

bool PodInfo::MatchesNodeSelectorAndAffinity(
    const std::map<std::string, std::string>& node_labels, const std::string& node) const {
  for (const auto& [k, v] : node_selector) {
    auto it = node_labels.find(k);
    if (it == node_labels.end() || it->second != v) return false;
  }
  return !required_node_affinity || required_node_affinity->Matches(node_labels, node);
}

std::shared_ptr<const PodInfo> ParsePod(const json::object& pod) {
  auto info = std::make_shared<PodInfo>();
  info->ns = GetString(pod, {"metadata", "namespace"}, "default");
  info->name = GetString(pod, {"metadata", "name"});
  info->uid = GetString(pod, {"metadata", "uid"});
  info->labels = StringMap(GetPath(pod, {"metadata", "labels"}));
  const json::value* del = GetPath(pod, {"metadata", "deletionTimestamp"});
  info->terminating = del && !del->is_null();

  static const json::object kEmpty;
  const json::value* spec_v = pod.if_contains("spec");
  const json::object& spec = spec_v && spec_v->is_object() ? spec_v->as_object() : kEmpty;
  info->node_name = GetString(spec, {"nodeName"});
  info->requests = PodRequests(spec);
  Resources nz = PodRequests(spec, /*non_zero=*/true);
  info->non_zero_milli_cpu = nz.milli_cpu;
  info->non_zero_memory = nz.memory;

  info->node_selector = StringMap(spec.if_contains("nodeSelector"));
  info->tolerations = ParseTolerations(spec.if_contains("tolerations"));
  ParseHostPorts(spec.if_contains("initContainers"), &info->host_ports);
  ParseHostPorts(spec.if_contains("containers"), &info->host_ports);

  if (const auto* aff = spec.if_contains("affinity"); aff && aff->is_object()) {
    const auto& a = aff->as_object();
    if (const auto* na = a.if_contains("nodeAffinity"); na && na->is_object()) {
      const json::value* req =
          na->as_object().if_contains("requiredDuringSchedulingIgnoredDuringExecution");
      if (req && req->is_object()) info->required_node_affinity = ParseNodeSelector(*req);
      const json::value* pref =
          na->as_object().if_contains("preferredDuringSchedulingIgnoredDuringExecution");
      if (pref && pref->is_array()) {
        for (const auto& p : pref->as_array()) {
          if (!p.is_object()) continue;
          PreferredSchedulingTerm t;
          t.weight = static_cast<int>(GetInt(p.as_object(), {"weight"}));
          const json::value* pr = p.as_object().if_contains("preference");
          if (t.weight == 0 || !pr) continue;
          t.preference = ParseNodeSelectorTerm(*pr);
          info->preferred_node_affinity.push_back(std::move(t));
        }
      }
    }
    ParseAffinityTerms(a, "podAffinity", info->ns, &info->required_affinity,
                       &info->preferred_affinity);
    ParseAffinityTerms(a, "podAntiAffinity", info->ns, &info->required_anti_affinity,
                       &info->preferred_anti_affinity);
  }
  if (const auto* tsc = spec.if_contains("topologySpreadConstraints"); tsc && tsc->is_array()) {
    for (const auto& c : tsc->as_array()) {
      if (c.is_object()) info->spread_constraints.push_back(ParseSpread(c.as_object(), info->labels));
    }
  }
  return info;
}

}  // namespace berth::scheduler
