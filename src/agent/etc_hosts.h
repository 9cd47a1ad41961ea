// The /etc/hosts file the agent gives a pod's containers (the kubelet-managed hosts file).
//
// A pod with its own network namespace gets a generated file: a "# Kubernetes-managed hosts
// file." header, the localhost/IPv6 entries, its own IP with its (fully qualified) hostname, then
// the spec's hostAliases. A hostNetwork pod is not managed: it sees the node's own /etc/hosts,
// with the hostAliases appended when there are any (as the kubelet does).
// Pure function; thread-safe.
#pragma once

#include <string>

#include "common/json.h"

namespace berth::agent {

struct EtcHostsInput {
  bool host_network = false;
  std::string node_hosts;  // the node's /etc/hosts content (used for hostNetwork pods)
  std::string pod_ip;
  std::string hostname;
  std::string fqdn;  // hostname.subdomain.ns.svc.domain, empty without a subdomain
  const json::array* host_aliases = nullptr;  // spec.hostAliases, may be null
};

std::string EtcHostsContent(const EtcHostsInput& in);

}  // namespace berth::agent
