// Agent: `berth agent` assembled — berth's kubelet. Joins the cluster (or uses credentials it was
// given), opens the image store, sets up the node network and the runtime, registers the Node,
// serves logs to the API server and runs one worker per pod bound to the node.
//
// Host-level names derive from `cluster` so two clusters share a machine safely:
//   bridge <bridge>, netns berth-<cluster>-*, cgroup parent berth-<cluster>,
//   runc root /run/berth/<cluster>/runc, nftables table ip berth-<cluster>.
// With the runc runtime the agent also runs the node's service proxy (nftables) and the
// node-local cluster DNS on <bridge gateway>:53, which the proxy makes reachable as the
// cluster DNS address (the service CIDR's tenth address) from pods and from the host.
// Stop() leaves containers running; a new Agent over the same data dir adopts them.
// Destroy() (for `berth down`) removes every container, namespace, mount, cgroup and the bridge.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "apiserver/nodes/node_credentials.h"
#include "common/status.h"

namespace berth::agent {

struct AgentOptions {
  std::string server;          // API server URL
  std::string token_file;      // join token (used once, when the data dir has no credentials)
  std::string data_dir;
  std::string node_name;
  std::string node_ip = "127.0.0.1";
  std::string cluster = "berth";
  std::string bridge = "berth0";
  std::string pod_cidr = "10.88.0.0/16";
  std::string service_cidr = "10.96.0.0/16";
  std::string cluster_domain = "cluster.local";
  // Upstream resolvers ("ip:port") for names outside the cluster domain; none by default.
  std::vector<std::string> dns_upstreams;
  std::string runtime = "runc";  // "runc" or "fake"
  int stream_port = 0;           // 0 = any free port
  double lease_renew_seconds = 10;  // node Lease renewal period (kubelet: 10 s)
  std::vector<std::string> insecure_registries;
  std::string shim_binary;       // default: this executable
  // Credentials handed over directly (berth up); otherwise read from data_dir or joined.
  std::optional<apiserver::nodes::NodeCredentials> credentials;
};

class Agent {
 public:
  explicit Agent(AgentOptions options);
  ~Agent();
  Status Start();
  void Stop();
  // Removes everything of this cluster from the host (after Stop, or without Start).
  Status Destroy();
  int stream_port() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// The cluster DNS address for a service CIDR (the tenth address, as kubeadm picks it).
std::string ClusterDnsAddress(const std::string& service_cidr);

}  // namespace berth::agent
