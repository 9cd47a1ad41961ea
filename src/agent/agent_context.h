// AgentContext: what every part of the node agent shares. Owned by Agent; the pointers outlive
// every user (workers are joined before the context is destroyed).
#pragma once

#include <string>
#include <vector>

#include "client/api_client.h"
#include "common/clock.h"
#include "image/image_store.h"
#include "network/pod_network.h"
#include "runtime/runtime.h"

namespace berth::client {
class EventRecorder;
}

namespace berth::agent {

struct AgentContext {
  client::ApiClient* api = nullptr;
  runtime::Runtime* runtime = nullptr;
  network::PodNetwork* network = nullptr;  // null: every pod uses the host network (fake nodes)
  image::ImageStore* images = nullptr;     // null with the fake runtime
  client::EventRecorder* events = nullptr;
  const Clock* clock = nullptr;

  std::string node_name;
  std::string node_ip;
  std::string data_dir;       // the agent's data dir: pods/, logs/ live here
  std::string cluster_domain = "cluster.local";
  std::string cluster_dns;    // nameserver for ClusterFirst pods (service CIDR .10)
  std::vector<std::string> insecure_registries;
  bool fake_runtime = false;  // no images, no volumes on disk
  // The node's allocatable cpu/memory (as in Node status): resourceFieldRef's default limits.
  int64_t allocatable_cpu_millis = 0;
  int64_t allocatable_memory_bytes = 0;
  // Restart back-off: first delay and cap (Kubernetes: 10 s, 300 s).
  std::chrono::milliseconds backoff_initial{10000};
  std::chrono::milliseconds backoff_max{300000};
};

}  // namespace berth::agent
