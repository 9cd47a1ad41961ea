// NodeStatusReporter: registers this node's Node object and keeps it alive.
//
// At start it creates (or adopts) the Node with labels, podCIDR, addresses, capacity/allocatable
// read from the host (cpu, memory, pods, ephemeral-storage), nodeInfo and conditions. Then:
//   - renews the node's Lease in kube-node-lease every `lease_renew` (duration 40 s);
//   - re-posts node status every `status_interval`, when poked, or when the server's Ready
//     condition is not True (the node lifecycle controller marked it Unknown while the agent
//     was away) (MemoryPressure/DiskPressure/PIDPressure from the host, Ready while it runs).
// When the API server is unreachable it retries with back-off and carries on when it is back.
//
// Thread-safety: Start/Stop from one thread; the reporter runs on its own thread.
#pragma once

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>

#include "agent/agent_context.h"
#include "common/json.h"

namespace berth::agent {

struct HostInfo {
  int64_t cpu_millis = 0;
  int64_t memory_bytes = 0;
  int64_t memory_available_bytes = 0;
  int64_t ephemeral_storage_bytes = 0;
  int64_t ephemeral_available_bytes = 0;
  int64_t pid_max = 0;
  int64_t pids_in_use = 0;
  std::string kernel_version, os_image, machine_id, boot_id, hostname, architecture;
};

// Reads /proc, /sys and statvfs(data_dir).
HostInfo ReadHostInfo(const std::string& data_dir);

struct NodeOptions {
  std::string pod_cidr;
  int max_pods = 110;
  int stream_port = 0;  // the agent's HTTPS port for logs/exec (daemonEndpoints.kubeletEndpoint)
  std::string runtime_version = "runc";
  std::chrono::milliseconds lease_renew{10000};
  std::chrono::milliseconds status_interval{60000};
  std::map<std::string, std::string> labels;  // extra node labels
};

// The Node object this agent registers (pure; tested).
json::object BuildNode(const std::string& name, const std::string& node_ip, const HostInfo& host,
                       const NodeOptions& options, const std::string& now);

class NodeStatusReporter {
 public:
  NodeStatusReporter(AgentContext* ctx, NodeOptions options);
  ~NodeStatusReporter();
  // Registers the node (retrying until the server answers or `stop`) and starts the heartbeat.
  Status Start();
  void Stop();
  // Posts status now (e.g. after the first pods started).
  void Poke();

 private:
  Status Register();
  Status RenewLease();
  Status PostStatus();
  // True when the server's Node lacks a Ready=True condition (checked at each renewal).
  bool ServerSaysNotReady();
  void Loop();

  AgentContext* ctx_;
  NodeOptions options_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;
  bool poke_ = false;
  std::thread thread_;
};

}  // namespace berth::agent
