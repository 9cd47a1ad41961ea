// Ruleset renderer: Model -> nftables script text (`nft -f` input). Pure functions.
//
// Layout of the table (family ip, one per cluster; names are fixed, see RenderFull's golden
// tests in tests/proxy/ruleset_test.cc for whole examples):
//
//   maps   service-ips            ipv4_addr . inet_proto . inet_service : verdict
//                                 cluster IP -> goto svc-<key>; external IP -> goto ext-<key>
//          service-nodeports      inet_proto . inet_service : verdict   node port -> goto ext-<key>
//          no-endpoint-services   like service-ips: goto reject-chain | drop
//          no-endpoint-nodeports  like service-nodeports: goto reject-chain | drop
//   base   nat-prerouting/nat-output (dstnat, -100) -> services (DNS DNAT, then the two maps);
//          nat-postrouting (srcnat, 100) -> masquerading (mark 0x4000 set by mark-for-masquerade);
//          filter-input/forward/output (-110): new connections -> reject-check (no-endpoint maps)
//   per port (key = ServicePort::Key(), e.g. "default/web/tcp/http"):
//          svc-<key>  cluster IP: masquerade sources outside pod_cidr, then spread
//          ext-<key>  node port / external IPs: masquerade unless externalTrafficPolicy Local,
//                     then spread over the external backends
//          ep-<key>/<ip>/<port>   hairpin masquerade, affinity update, DNAT
//          set aff-<key>/<ip>/<port>   client addresses with a timeout (sessionAffinity ClientIP)
//   spread: affinity hits first (`ip saddr @aff-.. goto ep-..`), then rule i of n is
//          `numgen random mod (n-i) == 0 goto ep-i` and the last is a plain goto: uniform over
//          the backends, no anonymous sets (the kernel names those by scanning every set of the
//          table, which makes a 10,000-service load quadratic).
//
// Node ports match destinations of type local except 127.0.0.0/8 (a connection to
// localhost:<nodePort> is not served).
#pragma once

#include <compare>
#include <string>
#include <vector>

#include "proxy/model.h"

namespace berth::proxy {

struct RenderOptions {
  std::string table;
  std::string pod_cidr;  // "" = masquerade every connection to a cluster IP
  std::string dns_cluster_ip, dns_target_ip;
  int dns_target_port = 53;
};

struct NftChain {
  std::string name;
  std::vector<std::string> rules;
  bool operator==(const NftChain&) const = default;
};

struct NftSet {
  std::string name;
  int timeout_seconds = 0;
  bool operator==(const NftSet&) const = default;
};

struct NftElement {
  std::string map;      // "service-ips", ...
  std::string key;      // "10.96.0.10 . tcp . 80" or "tcp . 30080"
  std::string verdict;  // "goto svc-...", "goto reject-chain", "drop"
  auto operator<=>(const NftElement&) const = default;
};

// Everything one ServicePort puts in the table.
struct PortObjects {
  std::vector<NftChain> chains;
  std::vector<NftSet> sets;
  std::vector<NftElement> elements;
};

PortObjects RenderPort(const RenderOptions& options, const ServicePort& port);

// The whole table, replacing whatever table of that name exists, in one transaction:
// "add table; delete table; table ip <name> { ... }".
std::string RenderFull(const RenderOptions& options, const Model& model);

}  // namespace berth::proxy
