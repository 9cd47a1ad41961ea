#include "proxy/model.h"

#include <arpa/inet.h>

#include <algorithm>
#include <cctype>

namespace berth::proxy {

namespace {

bool IsIpv4(const std::string& s) {
  in_addr a{};
  return !s.empty() && inet_pton(AF_INET, s.c_str(), &a) == 1;
}

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// A condition that is absent counts as `absent` (discovery/v1: nil ready/serving mean true).
bool Condition(const json::object& ep, std::string_view name, bool absent) {
  const json::value* v = GetPath(ep, {"conditions", name});
  if (v == nullptr || !v->is_bool()) return absent;
  return v->as_bool();
}

struct Candidate {
  Backend backend;
  bool ready = false;
  bool serving = false;
  bool terminating = false;
  bool local = false;
};

// The endpoints of one service port across every slice, de-duplicated by (ip, port).
std::vector<Candidate> Candidates(const std::vector<const json::object*>& slices,
                                  const std::string& port_name, const std::string& protocol,
                                  const std::string& node_name) {
  std::map<Backend, Candidate> by_backend;
  for (const json::object* slice : slices) {
    if (GetString(*slice, {"addressType"}, "IPv4") != "IPv4") continue;
    const json::value* ports = slice->if_contains("ports");
    if (ports == nullptr || !ports->is_array()) continue;
    int port = 0;
    for (const json::value& p : ports->as_array()) {
      if (!p.is_object()) continue;
      const json::object& po = p.as_object();
      if (GetString(po, {"name"}) != port_name) continue;
      if (Lower(GetString(po, {"protocol"}, "TCP")) != protocol) continue;
      port = static_cast<int>(GetInt(po, {"port"}));
      break;
    }
    if (port <= 0 || port > 65535) continue;
    const json::value* eps = slice->if_contains("endpoints");
    if (eps == nullptr || !eps->is_array()) continue;
    for (const json::value& e : eps->as_array()) {
      if (!e.is_object()) continue;
      const json::object& eo = e.as_object();
      const json::value* addrs = eo.if_contains("addresses");
      if (addrs == nullptr || !addrs->is_array() || addrs->as_array().empty() ||
          !addrs->as_array()[0].is_string()) {
        continue;
      }
      std::string ip(addrs->as_array()[0].as_string());
      if (!IsIpv4(ip)) continue;
      Candidate c;
      c.backend = Backend{ip, port};
      c.ready = Condition(eo, "ready", true);
      c.serving = Condition(eo, "serving", c.ready);
      c.terminating = Condition(eo, "terminating", false);
      c.local = !node_name.empty() && GetString(eo, {"nodeName"}) == node_name;
      auto [it, inserted] = by_backend.emplace(c.backend, c);
      if (!inserted) {  // the same endpoint in two slices (a slice being replaced)
        it->second.ready |= c.ready;
        it->second.serving |= c.serving;
        it->second.terminating &= c.terminating;
        it->second.local |= c.local;
      }
    }
  }
  std::vector<Candidate> out;
  for (auto& [_, c] : by_backend) out.push_back(c);
  return out;
}

// Ready endpoints, else serving+terminating ones (kube-proxy's fallback), optionally local only.
std::vector<Backend> Pick(const std::vector<Candidate>& cands, bool local_only) {
  std::vector<Backend> ready, fallback;
  for (const Candidate& c : cands) {
    if (local_only && !c.local) continue;
    if (c.ready) ready.push_back(c.backend);
    if (c.serving && c.terminating) fallback.push_back(c.backend);
  }
  return ready.empty() ? fallback : ready;
}

}  // namespace

std::string ServicePort::Key() const {
  return ns + "/" + name + "/" + protocol + "/" +
         (port_name.empty() ? std::to_string(port) : port_name);
}

std::vector<ServicePort> BuildServicePorts(const json::object& service,
                                           const std::vector<const json::object*>& slices,
                                           const ModelOptions& options) {
  std::vector<ServicePort> out;
  const std::string type = GetString(service, {"spec", "type"}, "ClusterIP");
  if (type == "ExternalName") return out;
  std::string cluster_ip = GetString(service, {"spec", "clusterIP"});
  if (cluster_ip == "None") return out;  // headless: DNS only
  if (!cluster_ip.empty() && !IsIpv4(cluster_ip)) return out;
  if (!options.ignore_cluster_ip.empty() && cluster_ip == options.ignore_cluster_ip) return out;
  const bool has_node_ports = type == "NodePort" || type == "LoadBalancer";

  std::vector<std::string> external_ips;
  if (const json::value* v = GetPath(service, {"spec", "externalIPs"}); v && v->is_array()) {
    for (const json::value& ip : v->as_array()) {
      if (ip.is_string() && IsIpv4(std::string(ip.as_string()))) {
        external_ips.emplace_back(ip.as_string());
      }
    }
  }
  if (const json::value* v = GetPath(service, {"status", "loadBalancer", "ingress"});
      v && v->is_array()) {
    for (const json::value& ing : v->as_array()) {
      if (!ing.is_object()) continue;
      std::string ip = GetString(ing.as_object(), {"ip"});
      if (IsIpv4(ip)) external_ips.push_back(ip);
    }
  }
  std::sort(external_ips.begin(), external_ips.end());
  external_ips.erase(std::unique(external_ips.begin(), external_ips.end()), external_ips.end());

  const bool external_local = GetString(service, {"spec", "externalTrafficPolicy"}) == "Local";
  const bool internal_local = GetString(service, {"spec", "internalTrafficPolicy"}) == "Local";
  int affinity = 0;
  if (GetString(service, {"spec", "sessionAffinity"}) == "ClientIP") {
    affinity = static_cast<int>(
        GetInt(service, {"spec", "sessionAffinityConfig", "clientIP", "timeoutSeconds"}, 10800));
    if (affinity <= 0) affinity = 10800;
  }

  const json::value* ports = GetPath(service, {"spec", "ports"});
  if (ports == nullptr || !ports->is_array()) return out;
  for (const json::value& p : ports->as_array()) {
    if (!p.is_object()) continue;
    const json::object& po = p.as_object();
    ServicePort sp;
    sp.ns = GetString(service, {"metadata", "namespace"});
    sp.name = GetString(service, {"metadata", "name"});
    sp.port_name = GetString(po, {"name"});
    sp.protocol = Lower(GetString(po, {"protocol"}, "TCP"));
    if (sp.protocol != "tcp" && sp.protocol != "udp" && sp.protocol != "sctp") continue;
    sp.port = static_cast<int>(GetInt(po, {"port"}));
    if (sp.port <= 0 || sp.port > 65535) continue;
    sp.cluster_ip = cluster_ip;
    if (has_node_ports) {
      sp.node_port = static_cast<int>(GetInt(po, {"nodePort"}));
      if (sp.node_port < 0 || sp.node_port > 65535) sp.node_port = 0;
    }
    sp.external_ips = external_ips;
    if (sp.cluster_ip.empty() && !sp.HasExternal()) continue;
    sp.external_local = external_local;
    sp.affinity_seconds = affinity;

    std::vector<Candidate> cands =
        Candidates(slices, sp.port_name, sp.protocol, options.node_name);
    const bool any = !Pick(cands, false).empty();
    sp.cluster_backends = Pick(cands, internal_local);
    sp.cluster_none = any ? NoBackend::kDrop : NoBackend::kReject;
    if (sp.HasExternal()) {
      sp.external_backends = Pick(cands, external_local);
      sp.external_none = any ? NoBackend::kDrop : NoBackend::kReject;
    }
    out.push_back(std::move(sp));
  }
  return out;
}

}  // namespace berth::proxy
