// core/v1 Service: schema, defaulting (type, ports, policies; cluster IP
// allocation is the server's job), validation and kubectl's Table (printService).
#include <set>

#include "api/kinds/core/core_kinds.h"
#include "api/kinds/core/core_schemas.h"
#include "api/kinds/core/field_errors.h"
#include "api/kinds/kinds.h"
#include "api/validation/names.h"

namespace berth::api::core {

namespace {

SchemaPtr ServiceSpecSchema() {
  static const SchemaPtr port = CoreObject(
      "ServicePort", "One port the service exposes.",
      {
          F("name", String(), "Port name, a DNS label; required when there are several ports.",
            1),
          F("protocol", Enum({"SCTP", "TCP", "UDP"}), "TCP, UDP or SCTP; default TCP.", 2),
          Req("port", Int32(), "Port the service listens on.", 3),
          F("targetPort", IntOrString(), "Port number or name on the pods; default port.", 4),
          F("nodePort", Int32(), "Port on every node for NodePort and LoadBalancer.", 5),
          F("appProtocol", String(), "Application protocol hint.", 6),
      });
  static const SchemaPtr affinity = CoreObject(
      "SessionAffinityConfig", "Settings of session affinity.",
      {F("clientIP",
         CoreObject("ClientIPConfig", "Settings of client IP affinity.",
                    {F("timeoutSeconds", Int32(), "Seconds a session sticks; default 10800.", 1)}),
         "Client IP affinity settings.", 1)});
  static const SchemaPtr s = CoreObject(
      "ServiceSpec", "Desired behaviour of a service.",
      {
          F("ports", ListMap(port, {"port", "protocol"}), "Ports the service exposes.", 1),
          F("selector", StringMap(), "Labels of the pods traffic is routed to.", 2),
          F("clusterIP", String(), "Virtual IP of the service; None for headless.", 3),
          F("type", Enum({"ClusterIP", "ExternalName", "LoadBalancer", "NodePort"}),
            "ClusterIP, NodePort, LoadBalancer or ExternalName; default ClusterIP.", 4),
          F("externalIPs", ListOf(String()), "Extra IPs that also accept service traffic.", 5),
          F("sessionAffinity", Enum({"ClientIP", "None"}), "None or ClientIP; default None.", 7),
          F("loadBalancerIP", String(), "Deprecated requested load balancer IP.", 8),
          F("loadBalancerSourceRanges", ListOf(String()), "Client CIDRs allowed through.", 9),
          F("externalName", String(), "DNS name an ExternalName service aliases.", 10),
          F("externalTrafficPolicy", Enum({"Cluster", "Local"}),
            "How external traffic is routed: Cluster or Local.", 11),
          F("healthCheckNodePort", Int32(), "Node port for load balancer health checks.", 12),
          F("publishNotReadyAddresses", Bool(), "Publish endpoints of pods that are not ready.",
            13),
          F("sessionAffinityConfig", affinity, "Session affinity settings.", 14),
          F("ipFamilyPolicy", Enum({"PreferDualStack", "RequireDualStack", "SingleStack"}),
            "Single or dual stack.", 17),
          F("clusterIPs", ListOf(String()), "Virtual IPs of the service, primary first.", 18),
          F("ipFamilies", ListOf(String()), "IP families of the service: IPv4, IPv6.", 19),
          F("allocateLoadBalancerNodePorts", Bool(),
            "Allocate node ports for LoadBalancer services; default true.", 20),
          F("loadBalancerClass", String(), "Load balancer implementation to use.", 21),
          F("internalTrafficPolicy", Enum({"Cluster", "Local"}),
            "How in-cluster traffic is routed: Cluster or Local.", 22),
          F("trafficDistribution", String(), "Preference for how traffic is spread.", 23),
      });
  return s;
}

SchemaPtr ServiceStatusSchema() {
  static const SchemaPtr port_status = CoreObject(
      "PortStatus", "Status of one load balancer port.",
      {
          Req("port", Int32(), "Port number.", 1),
          Req("protocol", String(), "Port protocol.", 2),
          F("error", String(), "Problem with the port, if any.", 3),
      });
  static const SchemaPtr ingress = CoreObject(
      "LoadBalancerIngress", "One entry point of a load balancer.",
      {
          F("ip", String(), "IP address of the entry point.", 1),
          F("hostname", String(), "Host name of the entry point.", 2),
          F("ipMode", String(), "How traffic reaches the IP: VIP or Proxy.", 3),
          F("ports", ListOf(port_status), "Per-port status.", 4),
      });
  static const SchemaPtr s = CoreObject(
      "ServiceStatus", "Observed state of a service.",
      {
          F("loadBalancer",
            CoreObject("LoadBalancerStatus", "State of the load balancer.",
                       {F("ingress", ListOf(ingress), "Entry points of the load balancer.", 1)}),
            "Load balancer state, if any.", 1),
          F("conditions", ListMap(ConditionSchema(), {"type"}), "Current conditions.", 2),
      });
  return s;
}

void SetIfMissing(json::object& o, const char* key, json::value v) {
  auto it = o.find(key);
  if (it == o.end() || it->value().is_null()) o[key] = std::move(v);
}

void DefaultService(json::object& svc) {
  if (!svc.contains("spec") || !svc["spec"].is_object()) svc["spec"] = json::object();
  json::object& spec = svc["spec"].get_object();
  SetIfMissing(spec, "type", "ClusterIP");
  std::string type = StringAt(spec, "type");
  SetIfMissing(spec, "sessionAffinity", "None");
  if (StringAt(spec, "sessionAffinity") == "ClientIP") {
    if (!spec.contains("sessionAffinityConfig")) spec["sessionAffinityConfig"] = json::object();
    if (spec["sessionAffinityConfig"].is_object()) {
      json::object& cfg = spec["sessionAffinityConfig"].get_object();
      if (!cfg.contains("clientIP")) cfg["clientIP"] = json::object();
      if (cfg["clientIP"].is_object()) SetIfMissing(cfg["clientIP"].get_object(), "timeoutSeconds", 10800);
    }
  }
  if (spec.contains("ports") && spec["ports"].is_array()) {
    for (auto& p : spec["ports"].get_array()) {
      if (!p.is_object()) continue;
      json::object& port = p.get_object();
      SetIfMissing(port, "protocol", "TCP");
      auto num = port.find("port");
      auto target = port.find("targetPort");
      bool target_missing = target == port.end() || target->value().is_null() ||
                            (target->value().is_int64() && target->value().get_int64() == 0) ||
                            (target->value().is_string() && target->value().get_string().empty());
      if (num != port.end() && target_missing) port["targetPort"] = num->value();
    }
  }
  if (type != "ExternalName") {
    SetIfMissing(spec, "internalTrafficPolicy", "Cluster");
    SetIfMissing(spec, "ipFamilyPolicy", "SingleStack");
  }
  if (type == "NodePort" || type == "LoadBalancer") {
    SetIfMissing(spec, "externalTrafficPolicy", "Cluster");
  }
  if (type == "LoadBalancer") SetIfMissing(spec, "allocateLoadBalancerNodePorts", true);
  if (!svc.contains("status") || !svc["status"].is_object()) svc["status"] = json::object();
  SetIfMissing(svc["status"].get_object(), "loadBalancer", json::object());
}

std::vector<Cause> ValidateService(const json::object& svc, const json::object* old) {
  std::vector<Cause> out;
  const json::object* spec_p = ObjectAt(svc, "spec");
  if (spec_p == nullptr) {
    out.push_back(RequiredCause("spec"));
    return out;
  }
  const json::object& spec = *spec_p;
  std::string type = StringAt(spec, "type", "ClusterIP");
  static const std::vector<std::string> kTypes = {"ClusterIP", "ExternalName", "LoadBalancer",
                                                  "NodePort"};
  if (std::find(kTypes.begin(), kTypes.end(), type) == kTypes.end()) {
    out.push_back(NotSupportedCause("spec.type", json::value(type), kTypes));
  }
  bool headless = StringAt(spec, "clusterIP") == "None";
  const json::array* ports = ArrayAt(spec, "ports");
  if ((ports == nullptr || ports->empty()) && !headless && type != "ExternalName") {
    out.push_back(RequiredCause("spec.ports"));
  }
  if (type == "ExternalName") {
    std::string name = StringAt(spec, "externalName");
    if (name.empty()) {
      out.push_back(RequiredCause("spec.externalName"));
    } else {
      AppendInvalid(out, "spec.externalName", json::value(name),
                    validation::IsDNS1123Subdomain(name));
    }
  }
  if (ports != nullptr) {
    std::set<std::string> names;
    std::set<std::string> keys;
    for (size_t i = 0; i < ports->size(); ++i) {
      std::string pp = "spec.ports[" + std::to_string(i) + "]";
      if (!(*ports)[i].is_object()) continue;
      const json::object& p = (*ports)[i].get_object();
      std::string name = StringAt(p, "name");
      if (name.empty()) {
        if (ports->size() > 1) out.push_back(RequiredCause(pp + ".name"));
      } else {
        AppendInvalid(out, pp + ".name", json::value(name), validation::IsDNS1123Label(name));
        if (!names.insert(name).second) out.push_back(DuplicateCause(pp + ".name", json::value(name)));
      }
      int64_t port = 0;
      if (!HasInt(p, "port", &port)) {
        out.push_back(RequiredCause(pp + ".port"));
      } else {
        AppendInvalid(out, pp + ".port", json::value(port), validation::IsValidPortNum(port));
      }
      std::string proto = StringAt(p, "protocol", "TCP");
      if (proto != "TCP" && proto != "UDP" && proto != "SCTP") {
        out.push_back(NotSupportedCause(pp + ".protocol", json::value(proto), {"SCTP", "TCP", "UDP"}));
      }
      if (!keys.insert(std::to_string(port) + "/" + proto).second) {
        out.push_back(DuplicateCause(pp, json::value(std::to_string(port) + "/" + proto)));
      }
      auto target = p.find("targetPort");
      if (target != p.end()) {
        const json::value& tv = target->value();
        if (tv.is_string()) {
          AppendInvalid(out, pp + ".targetPort", tv,
                        validation::IsValidPortName(std::string(tv.get_string())));
        } else if (tv.is_int64()) {
          AppendInvalid(out, pp + ".targetPort", tv, validation::IsValidPortNum(tv.get_int64()));
        }
      }
      int64_t node_port = 0;
      if (HasInt(p, "nodePort", &node_port) && node_port != 0) {
        if (type == "ClusterIP" || type == "ExternalName") {
          out.push_back(ForbiddenCause(pp + ".nodePort",
                                       "may not be used when `type` is '" + type + "'"));
        } else {
          AppendInvalid(out, pp + ".nodePort", json::value(node_port),
                        validation::IsValidPortNum(node_port));
        }
      }
    }
  }
  auto sa = spec.find("sessionAffinity");
  if (sa != spec.end() && sa->value().is_string()) {
    std::string v(sa->value().get_string());
    if (v != "None" && v != "ClientIP") {
      out.push_back(NotSupportedCause("spec.sessionAffinity", sa->value(), {"ClientIP", "None"}));
    }
  }
  for (const char* key : {"internalTrafficPolicy", "externalTrafficPolicy"}) {
    std::string v = StringAt(spec, key);
    if (!v.empty() && v != "Cluster" && v != "Local") {
      out.push_back(NotSupportedCause(std::string("spec.") + key, json::value(v), {"Cluster", "Local"}));
    }
  }
  if (const json::object* sel = ObjectAt(spec, "selector")) {
    for (const auto& kv : *sel) {
      std::string key(kv.key());
      AppendInvalid(out, "spec.selector", json::value(key), validation::IsQualifiedName(key));
      if (kv.value().is_string()) {
        std::string v(kv.value().get_string());
        AppendInvalid(out, "spec.selector", json::value(v), validation::IsValidLabelValue(v));
      }
    }
  }
  std::string cluster_ip = StringAt(spec, "clusterIP");
  if (!cluster_ip.empty() && cluster_ip != "None") {
    AppendInvalid(out, "spec.clusterIPs[0]", json::value(cluster_ip),
                  validation::IsValidIP(cluster_ip));
  }
  if (const json::array* ext = ArrayAt(spec, "externalIPs")) {
    for (size_t i = 0; i < ext->size(); ++i) {
      if (!(*ext)[i].is_string()) continue;
      AppendInvalid(out, "spec.externalIPs[" + std::to_string(i) + "]", (*ext)[i],
                    validation::IsValidIP(std::string((*ext)[i].get_string())));
    }
  }
  if (old != nullptr) {
    const json::object* old_spec = ObjectAt(*old, "spec");
    std::string old_ip = old_spec ? StringAt(*old_spec, "clusterIP") : "";
    if (!old_ip.empty() && !cluster_ip.empty() && old_ip != cluster_ip && type != "ExternalName" &&
        (old_spec ? StringAt(*old_spec, "type") : "") != "ExternalName") {
      out.push_back(InvalidCause("spec.clusterIPs[0]", json::value(cluster_ip),
                                 "may not change once set"));
    }
  }
  return out;
}

std::string PortString(const json::array* ports) {
  std::string out;
  if (ports == nullptr) return out;
  for (const auto& p : *ports) {
    if (!p.is_object()) continue;
    const json::object& port = p.get_object();
    int64_t num = 0, node_port = 0;
    HasInt(port, "port", &num);
    std::string proto = StringAt(port, "protocol", "TCP");
    if (!out.empty()) out += ",";
    if (HasInt(port, "nodePort", &node_port) && node_port != 0) {
      out += std::to_string(num) + ":" + std::to_string(node_port) + "/" + proto;
    } else {
      out += std::to_string(num) + "/" + proto;
    }
  }
  return out;
}

std::string Join(const json::array* a) {
  std::string out;
  if (a == nullptr) return out;
  for (const auto& v : *a) {
    if (!v.is_string()) continue;
    if (!out.empty()) out += ",";
    out += std::string(v.get_string());
  }
  return out;
}

std::string ExternalIP(const json::object& svc) {
  static const json::object kEmpty;
  const json::object* spec_p = ObjectAt(svc, "spec");
  const json::object& spec = spec_p ? *spec_p : kEmpty;
  std::string type = StringAt(spec, "type");
  std::string external = Join(ArrayAt(spec, "externalIPs"));
  if (type == "ClusterIP" || type == "NodePort") return external.empty() ? "<none>" : external;
  if (type == "ExternalName") return StringAt(spec, "externalName");
  if (type == "LoadBalancer") {
    std::string lb;
    const json::object* status = ObjectAt(svc, "status");
    const json::object* lbs = status ? ObjectAt(*status, "loadBalancer") : nullptr;
    if (const json::array* ing = lbs ? ArrayAt(*lbs, "ingress") : nullptr) {
      for (const auto& i : *ing) {
        if (!i.is_object()) continue;
        std::string v = StringAt(i.get_object(), "ip");
        if (v.empty()) v = StringAt(i.get_object(), "hostname");
        if (v.empty()) continue;
        if (!lb.empty()) lb += ",";
        lb += v;
      }
    }
    if (!external.empty()) return lb.empty() ? external : lb + "," + external;
    return lb.empty() ? "<pending>" : lb;
  }
  return "<unknown>";
}

json::array ServiceRow(const json::object& svc, const HookContext& ctx) {
  static const json::object kEmpty;
  const json::object* spec_p = ObjectAt(svc, "spec");
  const json::object& spec = spec_p ? *spec_p : kEmpty;
  std::string ip = "<none>";
  if (const json::array* ips = ArrayAt(spec, "clusterIPs"); ips && !ips->empty() &&
                                                           (*ips)[0].is_string()) {
    ip = std::string((*ips)[0].get_string());
  } else if (!StringAt(spec, "clusterIP").empty()) {
    ip = StringAt(spec, "clusterIP");
  }
  std::string ports = PortString(ArrayAt(spec, "ports"));
  return json::array{json::value(StringAtPath(svc, {"metadata", "name"})),
                     json::value(StringAt(spec, "type")),
                     json::value(ip),
                     json::value(ExternalIP(svc)),
                     json::value(ports.empty() ? "<none>" : ports),
                     json::value(AgeCell(svc, ctx)),
                     json::value(FormatLabels(ObjectAt(spec, "selector")))};
}

}  // namespace

ResourceType ServiceType() {
  ResourceType t;
  t.version = "v1";
  t.kind = "Service";
  t.plural = "services";
  t.singular = "service";
  t.short_names = {"svc"};
  t.categories = {"all"};
  t.has_status = true;
  t.generation_tracks_spec = false;
  t.schema = KindSchema("io.k8s.api.core.v1.Service",
                        "A stable name and virtual IP in front of a set of pods.",
                        {F("spec", ServiceSpecSchema(), "Desired behaviour of the service.", 2),
                         F("status", ServiceStatusSchema(), "Observed state of the service.", 3)});
  t.default_fn = DefaultService;
  t.validate_fn = ValidateService;
  t.columns = {
      NameColumn(),
      {"Type", "string", "", "Type of the service.", 0},
      {"Cluster-IP", "string", "", "Virtual IP of the service inside the cluster.", 0},
      {"External-IP", "string", "", "Addresses that reach the service from outside.", 0},
      {"Port(s)", "string", "", "Ports the service exposes.", 0},
      AgeColumn(),
      {"Selector", "string", "", "Labels of the pods behind the service.", 1},
  };
  t.row_fn = ServiceRow;
  return t;
}

}  // namespace berth::api::core
