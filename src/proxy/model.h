// The service proxy's model: what the node must do for each (Service, port), resolved from the
// Service and its EndpointSlices (discovery.k8s.io/v1) for one node. Pure data and pure functions;
// the ruleset renderer (ruleset.h) turns a Model into nftables text.
//
// Endpoint selection follows kube-proxy: a spread uses the ready endpoints, or, when none is
// ready, the serving+terminating ones (so a rolling update never blackholes); trafficPolicy
// Local narrows a spread to endpoints whose nodeName is this node.
//
// Thread-safety: plain values; functions are reentrant. Nothing throws.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "common/json.h"

namespace berth::proxy {

// One DNAT target.
struct Backend {
  std::string ip;  // IPv4 dotted quad
  int port = 0;
  bool operator==(const Backend&) const = default;
  auto operator<=>(const Backend&) const = default;
};

// What to do with a new connection to a port that has no backend in a spread.
enum class NoBackend {
  kReject,  // the service has no usable endpoint anywhere: ICMP port-unreachable / TCP reset
  kDrop,    // endpoints exist but none on this node (trafficPolicy Local)
};

// One (Service, port) on this node: the unit of the ruleset.
struct ServicePort {
  std::string ns, name;
  std::string port_name;  // spec.ports[].name ("" for a single unnamed port)
  std::string protocol;   // "tcp", "udp" or "sctp"
  std::string cluster_ip; // "" when the service has none (headless services are skipped)
  int port = 0;
  int node_port = 0;                      // 0 = none
  std::vector<std::string> external_ips;  // spec.externalIPs + status.loadBalancer.ingress[].ip
  bool external_local = false;            // externalTrafficPolicy Local: no masquerade
  int affinity_seconds = 0;               // sessionAffinity ClientIP timeout; 0 = no affinity

  // Sorted, unique. cluster_backends serve the cluster IP (internalTrafficPolicy applied);
  // external_backends serve node port and external IPs (externalTrafficPolicy applied).
  std::vector<Backend> cluster_backends;
  std::vector<Backend> external_backends;
  NoBackend cluster_none = NoBackend::kReject;
  NoBackend external_none = NoBackend::kReject;

  // "ns/name/protocol/port-name-or-number": unique per port, used in chain names.
  std::string Key() const;
  bool HasExternal() const { return node_port != 0 || !external_ips.empty(); }
  bool operator==(const ServicePort&) const = default;
};

// Every port the node serves, by ServicePort::Key().
using Model = std::map<std::string, ServicePort>;

struct ModelOptions {
  std::string node_name;       // for trafficPolicy Local
  std::string ignore_cluster_ip;  // the node-local DNS cluster IP: services carrying it are skipped
};

// The ports of one Service given the EndpointSlices labelled with its name (any order; slices of
// other services must not be passed). Headless, ExternalName, IPv6-only and malformed services
// give nothing.
std::vector<ServicePort> BuildServicePorts(const json::object& service,
                                           const std::vector<const json::object*>& slices,
                                           const ModelOptions& options);

}  // namespace berth::proxy
