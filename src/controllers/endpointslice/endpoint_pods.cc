#include "controllers/endpointslice/endpoint_pods.h"

#include "controllers/common/owner_refs.h"

namespace berth::controllers::endpoints {

namespace sel = api::selector;

std::optional<sel::LabelSelector> ManagedSelector(const json::object& service) {
  if (GetString(service, {"spec", "type"}) == "ExternalName") return std::nullopt;
  const json::value* s = GetPath(service, {"spec", "selector"});
  if (!s || !s->is_object() || s->as_object().empty()) return std::nullopt;
  std::vector<sel::LabelRequirement> reqs;
  for (const auto& [k, v] : s->as_object()) {
    if (!v.is_string()) continue;
    reqs.push_back(sel::LabelRequirement{std::string(k), sel::LabelOp::kEquals,
                                         {std::string(v.get_string())}});
  }
  return sel::LabelSelector::FromRequirements(std::move(reqs));
}

bool IsHeadless(const json::object& service) {
  return GetString(service, {"spec", "clusterIP"}) == "None";
}

std::vector<std::string> ServicesSelecting(const controller::Informer& services,
                                           const json::object& pod) {
  std::vector<std::string> out;
  const json::object& labels = LabelsOf(pod);
  for (const auto& svc : services.List(GetString(pod, {"metadata", "namespace"}))) {
    auto s = ManagedSelector(*svc);
    if (s && s->Matches(labels)) out.push_back(controller::KeyOf(*svc));
  }
  return out;
}

controller::EventHandler PodEventsToServices(const controller::Informer* services,
                                             std::function<void(const std::string&)> enqueue) {
  auto one = [services, enqueue](const controller::ObjectPtr& p) {
    for (const auto& k : ServicesSelecting(*services, *p)) enqueue(k);
  };
  return controller::EventHandler{
      one,
      [one](const controller::ObjectPtr& o, const controller::ObjectPtr& n) {
        // A label change moves the pod out of the old services and into the new ones.
        if (LabelsOf(*o) != LabelsOf(*n)) one(o);
        one(n);
      },
      one};
}

bool ShouldPodBeInEndpoints(const json::object& pod, bool include_terminating) {
  if (GetString(pod, {"status", "podIP"}).empty()) {
    const json::value* ips = GetPath(pod, {"status", "podIPs"});
    if (!ips || !ips->is_array() || ips->as_array().empty()) return false;
  }
  std::string phase = GetString(pod, {"status", "phase"});
  if (phase == "Succeeded" || phase == "Failed") return false;
  if (!include_terminating && IsBeingDeleted(pod)) return false;
  return true;
}

namespace {
bool IsIPv6(const std::string& ip) { return ip.find(':') != std::string::npos; }
}  // namespace

std::string PodIPOfFamily(const json::object& pod, const std::string& family) {
  bool want_v6 = family == "IPv6";
  std::vector<std::string> ips;
  if (const json::value* list = GetPath(pod, {"status", "podIPs"}); list && list->is_array()) {
    for (const auto& e : list->as_array()) {
      std::string ip = GetString(e, {"ip"});
      if (!ip.empty()) ips.push_back(ip);
    }
  }
  ips.push_back(GetString(pod, {"status", "podIP"}));
  for (const auto& ip : ips) {
    if (!ip.empty() && IsIPv6(ip) == want_v6) return ip;
  }
  return "";
}

std::string ServiceAddressFamily(const json::object& service) {
  const json::value* f = GetPath(service, {"spec", "ipFamilies"});
  if (f && f->is_array() && !f->as_array().empty() && f->as_array()[0].is_string() &&
      f->as_array()[0].get_string() == "IPv6") {
    return "IPv6";
  }
  return "IPv4";
}

namespace {

std::optional<int64_t> FindNamedPort(const json::object& pod, const std::string& name,
                                     const std::string& protocol) {
  auto search = [&](const json::value* containers, bool restartable_only)
      -> std::optional<int64_t> {
    if (!containers || !containers->is_array()) return std::nullopt;
    for (const auto& c : containers->as_array()) {
      if (!c.is_object()) continue;
      if (restartable_only && GetString(c, {"restartPolicy"}) != "Always") continue;
      const json::value* ports = c.as_object().if_contains("ports");
      if (!ports || !ports->is_array()) continue;
      for (const auto& p : ports->as_array()) {
        if (GetString(p, {"name"}) == name && GetString(p, {"protocol"}, "TCP") == protocol) {
          return GetInt(p, {"containerPort"});
        }
      }
    }
    return std::nullopt;
  };
  if (auto n = search(GetPath(pod, {"spec", "containers"}), false)) return n;
  return search(GetPath(pod, {"spec", "initContainers"}), true);  // sidecars
}

}  // namespace

std::optional<int64_t> ResolveTargetPort(const json::object& pod,
                                         const json::object& service_port) {
  const json::value* t = service_port.if_contains("targetPort");
  if (t && t->is_string() && !t->get_string().empty()) {
    return FindNamedPort(pod, std::string(t->get_string()),
                         GetString(service_port, {"protocol"}, "TCP"));
  }
  if (t && t->is_number()) {
    int64_t n = GetInt(service_port, {"targetPort"});
    if (n > 0) return n;
  }
  return GetInt(service_port, {"port"});
}

std::string EndpointHostname(const json::object& pod, const json::object& service) {
  std::string host = GetString(pod, {"spec", "hostname"});
  if (host.empty()) return "";
  if (GetString(pod, {"spec", "subdomain"}) != GetString(service, {"metadata", "name"})) return "";
  return host;
}

json::object PodReference(const json::object& pod) {
  return json::object{{"kind", "Pod"},
                      {"namespace", GetString(pod, {"metadata", "namespace"})},
                      {"name", GetString(pod, {"metadata", "name"})},
                      {"uid", GetString(pod, {"metadata", "uid"})}};
}

}  // namespace berth::controllers::endpoints
