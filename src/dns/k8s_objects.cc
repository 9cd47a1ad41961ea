#include "dns/k8s_objects.h"

#include "dns/name.h"

namespace berth::dns {

namespace {

const json::array* ArrayAt(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  return v != nullptr && v->is_array() ? &v->get_array() : nullptr;
}

std::optional<PortInfo> PortFrom(const json::value& v) {
  if (!v.is_object()) return std::nullopt;
  const json::object& p = v.get_object();
  int64_t port = GetInt(p, {"port"}, 0);
  if (port < 1 || port > 65535) return std::nullopt;
  PortInfo out;
  out.name = GetString(p, {"name"});
  out.protocol = LowerAscii(GetString(p, {"protocol"}, "TCP"));
  out.port = static_cast<uint16_t>(port);
  return out;
}

// RFC 1123 label: what a hostname must be to become one label of a name.
bool IsDnsLabel(const std::string& s) {
  if (s.empty() || s.size() > 63 || s.front() == '-' || s.back() == '-') return false;
  for (char c : s) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-';
    if (!ok) return false;
  }
  return true;
}

}  // namespace

std::optional<ServiceInfo> ServiceFromObject(const json::object& svc) {
  ServiceInfo out;
  out.ns = GetString(svc, {"metadata", "namespace"});
  out.name = GetString(svc, {"metadata", "name"});
  if (out.ns.empty() || out.name.empty()) return std::nullopt;
  const json::value* spec_v = svc.if_contains("spec");
  static const json::object kEmpty;
  const json::object& spec = spec_v != nullptr && spec_v->is_object() ? spec_v->get_object() : kEmpty;
  std::string type = GetString(spec, {"type"}, "ClusterIP");
  std::string cluster_ip = GetString(spec, {"clusterIP"});
  if (type == "ExternalName") {
    out.kind = ServiceInfo::Kind::kExternalName;
    out.external_name = GetString(spec, {"externalName"});
  } else if (cluster_ip == "None") {
    out.kind = ServiceInfo::Kind::kHeadless;
  } else {
    out.kind = ServiceInfo::Kind::kClusterIP;
    if (const json::array* ips = ArrayAt(spec, "clusterIPs"); ips != nullptr && !ips->empty()) {
      for (const json::value& ip : *ips) {
        if (!ip.is_string()) continue;
        if (auto parsed = ParseIPv4(ip.get_string())) out.cluster_ips.push_back(*parsed);
      }
    } else if (auto parsed = ParseIPv4(cluster_ip)) {
      out.cluster_ips.push_back(*parsed);
    }
  }
  out.publish_not_ready = false;
  if (const json::value* p = spec.if_contains("publishNotReadyAddresses"); p && p->is_bool()) {
    out.publish_not_ready = p->get_bool();
  }
  if (const json::array* ports = ArrayAt(spec, "ports")) {
    for (const json::value& p : *ports) {
      if (auto port = PortFrom(p)) out.ports.push_back(std::move(*port));
    }
  }
  return out;
}

std::optional<SliceInfo> SliceFromObject(const json::object& slice) {
  SliceInfo out;
  out.ns = GetString(slice, {"metadata", "namespace"});
  out.name = GetString(slice, {"metadata", "name"});
  out.service = GetString(slice, {"metadata", "labels", "kubernetes.io/service-name"});
  if (out.ns.empty() || out.name.empty() || out.service.empty()) return std::nullopt;
  if (GetString(slice, {"addressType"}, "IPv4") != "IPv4") {
    return out;  // FQDN / IPv6 slices contribute no records (yet)
  }
  if (const json::array* ports = ArrayAt(slice, "ports")) {
    for (const json::value& p : *ports) {
      if (auto port = PortFrom(p)) out.ports.push_back(std::move(*port));
    }
  }
  if (const json::array* eps = ArrayAt(slice, "endpoints")) {
    for (const json::value& e : *eps) {
      if (!e.is_object()) continue;
      const json::object& ep = e.get_object();
      EndpointInfo info;
      if (const json::array* addrs = ArrayAt(ep, "addresses")) {
        for (const json::value& a : *addrs) {
          if (!a.is_string()) continue;
          if (auto ip = ParseIPv4(a.get_string())) info.addresses.push_back(*ip);
        }
      }
      if (info.addresses.empty()) continue;
      const json::value* ready = GetPath(ep, {"conditions", "ready"});
      info.ready = ready == nullptr || !ready->is_bool() || ready->get_bool();
      info.hostname = GetString(ep, {"hostname"});
      if (!IsDnsLabel(info.hostname)) info.hostname.clear();
      out.endpoints.push_back(std::move(info));
    }
  }
  return out;
}

}  // namespace berth::dns
