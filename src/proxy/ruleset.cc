#include "proxy/ruleset.h"

#include <set>

namespace berth::proxy {

namespace {

constexpr const char* kMaps[] = {"service-ips", "service-nodeports", "no-endpoint-services",
                                 "no-endpoint-nodeports"};

std::string MapType(const std::string& map) {
  return map == "service-ips" || map == "no-endpoint-services"
             ? "ipv4_addr . inet_proto . inet_service : verdict"
             : "inet_proto . inet_service : verdict";
}

std::string EndpointSuffix(const ServicePort& p, const Backend& b) {
  return p.Key() + "/" + b.ip + "/" + std::to_string(b.port);
}

std::string NoBackendVerdict(NoBackend n) {
  return n == NoBackend::kReject ? "goto reject-chain" : "drop";
}

// Affinity hits, then a uniform choice among `backends`.
void AppendSpread(const ServicePort& p, const std::vector<Backend>& backends,
                  std::vector<std::string>* rules) {
  if (p.affinity_seconds > 0) {
    for (const Backend& b : backends) {
      rules->push_back("ip saddr @aff-" + EndpointSuffix(p, b) + " goto ep-" +
                       EndpointSuffix(p, b));
    }
  }
  const size_t n = backends.size();
  for (size_t i = 0; i < n; ++i) {
    std::string target = "goto ep-" + EndpointSuffix(p, backends[i]);
    if (i + 1 == n) {
      rules->push_back(target);
    } else {
      rules->push_back("numgen random mod " + std::to_string(n - i) + " == 0 " + target);
    }
  }
}

}  // namespace

PortObjects RenderPort(const RenderOptions& options, const ServicePort& p) {
  PortObjects out;
  const std::string key = p.Key();
  const std::string l4 = p.protocol + " . " + std::to_string(p.port);

  if (!p.cluster_ip.empty()) {
    if (!p.cluster_backends.empty()) {
      NftChain svc{"svc-" + key, {}};
      svc.rules.push_back(options.pod_cidr.empty()
                              ? std::string("jump mark-for-masquerade")
                              : "ip saddr != " + options.pod_cidr + " jump mark-for-masquerade");
      AppendSpread(p, p.cluster_backends, &svc.rules);
      out.chains.push_back(std::move(svc));
      out.elements.push_back({"service-ips", p.cluster_ip + " . " + l4, "goto svc-" + key});
    } else {
      out.elements.push_back(
          {"no-endpoint-services", p.cluster_ip + " . " + l4, NoBackendVerdict(p.cluster_none)});
    }
  }
  if (p.HasExternal()) {
    const bool served = !p.external_backends.empty();
    if (served) {
      NftChain ext{"ext-" + key, {}};
      if (!p.external_local) ext.rules.push_back("jump mark-for-masquerade");
      AppendSpread(p, p.external_backends, &ext.rules);
      out.chains.push_back(std::move(ext));
    }
    const std::string verdict = served ? "goto ext-" + key : NoBackendVerdict(p.external_none);
    for (const std::string& ip : p.external_ips) {
      out.elements.push_back(
          {served ? "service-ips" : "no-endpoint-services", ip + " . " + l4, verdict});
    }
    if (p.node_port != 0) {
      out.elements.push_back({served ? "service-nodeports" : "no-endpoint-nodeports",
                              p.protocol + " . " + std::to_string(p.node_port), verdict});
    }
  }

  // Endpoint chains (and affinity sets) for every backend of either spread, in order.
  std::set<Backend> backends(p.cluster_backends.begin(), p.cluster_backends.end());
  if (p.HasExternal()) backends.insert(p.external_backends.begin(), p.external_backends.end());
  for (const Backend& b : backends) {
    const std::string suffix = EndpointSuffix(p, b);
    NftChain ep{"ep-" + suffix, {}};
    ep.rules.push_back("ip saddr " + b.ip + " jump mark-for-masquerade");
    if (p.affinity_seconds > 0) {
      ep.rules.push_back("update @aff-" + suffix + " { ip saddr }");
      out.sets.push_back({"aff-" + suffix, p.affinity_seconds});
    }
    ep.rules.push_back("meta l4proto " + p.protocol + " dnat to " + b.ip + ":" +
                       std::to_string(b.port));
    out.chains.push_back(std::move(ep));
  }
  return out;
}

std::string RenderFull(const RenderOptions& o, const Model& model) {
  std::vector<PortObjects> ports;
  ports.reserve(model.size());
  for (const auto& [_, p] : model) ports.push_back(RenderPort(o, p));

  std::string s;
  s.reserve(256 * model.size() + 4096);
  s += "add table ip " + o.table + "\n";
  s += "delete table ip " + o.table + "\n";
  s += "table ip " + o.table + " {\n";

  // Maps with their elements; a key taken twice (two services claiming one IP and port, which
  // the API server refuses) keeps the first so the transaction cannot fail on it.
  std::set<std::pair<std::string, std::string>> taken;
  for (const char* map : kMaps) {
    s += "\tmap " + std::string(map) + " {\n\t\ttype " + MapType(map) + "\n";
    bool first = true;
    for (const PortObjects& po : ports) {
      for (const NftElement& e : po.elements) {
        if (e.map != map || !taken.emplace(e.map, e.key).second) continue;
        s += first ? "\t\telements = {\n" : ",\n";
        s += "\t\t\t" + e.key + " : " + e.verdict;
        first = false;
      }
    }
    if (!first) s += "\n\t\t}\n";
    s += "\t}\n";
  }
  for (const PortObjects& po : ports) {
    for (const NftSet& set : po.sets) {
      s += "\tset " + set.name + " {\n\t\ttype ipv4_addr\n\t\tflags dynamic,timeout\n\t\ttimeout " +
           std::to_string(set.timeout_seconds) + "s\n\t}\n";
    }
  }

  auto chain = [&s](const std::string& name, const std::string& hook,
                    const std::vector<std::string>& rules) {
    s += "\tchain " + name + " {\n";
    if (!hook.empty()) s += "\t\t" + hook + "; policy accept;\n";
    for (const std::string& r : rules) s += "\t\t" + r + "\n";
    s += "\t}\n";
  };
  chain("nat-prerouting", "type nat hook prerouting priority -100", {"jump services"});
  chain("nat-output", "type nat hook output priority -100", {"jump services"});
  chain("nat-postrouting", "type nat hook postrouting priority 100", {"jump masquerading"});
  chain("filter-input", "type filter hook input priority -110", {"ct state new jump reject-check"});
  chain("filter-forward", "type filter hook forward priority -110",
        {"ct state new jump reject-check"});
  chain("filter-output", "type filter hook output priority -110",
        {"ct state new jump reject-check"});
  std::vector<std::string> services;
  if (!o.dns_cluster_ip.empty()) {
    const std::string to = o.dns_target_ip + ":" + std::to_string(o.dns_target_port);
    services.push_back("ip daddr " + o.dns_cluster_ip + " udp dport 53 dnat to " + to);
    services.push_back("ip daddr " + o.dns_cluster_ip + " tcp dport 53 dnat to " + to);
  }
  services.push_back("ip daddr . meta l4proto . th dport vmap @service-ips");
  services.push_back(
      "fib daddr type local ip daddr != 127.0.0.0/8 meta l4proto . th dport vmap "
      "@service-nodeports");
  chain("services", "", services);
  chain("reject-check", "",
        {"ip daddr . meta l4proto . th dport vmap @no-endpoint-services",
         "fib daddr type local ip daddr != 127.0.0.0/8 meta l4proto . th dport vmap "
         "@no-endpoint-nodeports"});
  chain("reject-chain", "", {"meta l4proto tcp reject with tcp reset", "reject"});
  chain("mark-for-masquerade", "", {"meta mark set meta mark or 0x4000"});
  chain("masquerading", "",
        {"meta mark & 0x4000 == 0 return", "meta mark set meta mark xor 0x4000",
         "masquerade fully-random"});
  for (const PortObjects& po : ports) {
    for (const NftChain& c : po.chains) chain(c.name, "", c.rules);
  }
  s += "}\n";
  return s;
}

}  // namespace berth::proxy
