// PodNetwork: the network seam of the node agent. Gives each pod sandbox its own network namespace
// wired by the standard CNI plugins (loopback; bridge with host-local IPAM over the node's pod CIDR;
// portmap for hostPorts), and owns the host-level pieces (bridge, route for the pod CIDR).
//
// Every host-level name derives from NetworkConfig::cluster so that two clusters can run side by
// side: bridge "<bridge>", netns "berth-<cluster>-<sandbox id>", IPAM state under state_dir.
//
// Thread-safety: Add/Remove for different sandboxes may run concurrently.
// Errors: InternalError carrying the plugin's own error message (CNI error JSON "msg"/"details").
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "common/status.h"

namespace berth::network {

struct NetworkConfig {
  std::string cluster;          // short cluster name, [a-z0-9-], used in every host-level name
  std::string bridge;           // Linux bridge name (<= 15 chars), e.g. "berth0"
  std::string pod_cidr;         // e.g. "10.88.0.0/16"
  std::string cni_bin_dir = "/usr/lib/cni";
  std::string state_dir;        // IPAM state, CNI result cache, generated config
  int mtu = 1500;
  // Extra routes inside each pod via the gateway (e.g. the service CIDR). Pods get no default
  // route, so nothing they send can leave the machine.
  std::vector<std::string> routes;
};

struct PortMapping {
  std::string protocol = "TCP";  // TCP, UDP, SCTP
  int container_port = 0;
  int host_port = 0;
  std::string host_ip;           // empty = all
};

struct SandboxNetwork {
  std::string netns_path;  // "/run/netns/berth-<cluster>-<id>"
  std::string ip;          // pod IP, no prefix
  std::string gateway;
};

class PodNetwork {
 public:
  virtual ~PodNetwork() = default;
  // Host-level setup, idempotent: bridge up with the gateway address, pod CIDR routed to it,
  // forwarding enabled. Called once at agent start.
  virtual Status Init() = 0;
  // Creates the namespace and runs CNI ADD. Idempotent for the same id (returns the existing result).
  virtual StatusOr<SandboxNetwork> Add(const std::string& sandbox_id, const std::string& pod_namespace,
                                       const std::string& pod_name,
                                       const std::vector<PortMapping>& ports) = 0;
  // The result of an earlier Add (from the on-disk cache). NotFound if none.
  virtual StatusOr<SandboxNetwork> Get(const std::string& sandbox_id) const = 0;
  // CNI DEL then removes the namespace. Succeeds if already gone.
  virtual Status Remove(const std::string& sandbox_id) = 0;
  // Sandbox ids that currently have a namespace (to collect leftovers after a crash).
  virtual StatusOr<std::vector<std::string>> List() const = 0;
  // Removes everything: every sandbox, the bridge, routes, IPAM state (`berth down`).
  virtual Status Destroy() = 0;
};

// The CNI-backed implementation.
std::unique_ptr<PodNetwork> NewCniNetwork(NetworkConfig config);

}  // namespace berth::network
