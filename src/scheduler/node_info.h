// NodeInfo: one node as the scheduler sees it: its labels, taints and allocatable resources,
// plus the pods bound (or assumed) to it and what they use. Owned by a Snapshot.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "scheduler/pod_info.h"
#include "scheduler/resources.h"
#include "scheduler/taints.h"

namespace berth::scheduler {

struct NodeInfo {
  std::string name;
  std::map<std::string, std::string> labels;
  std::vector<Taint> taints;
  Resources allocatable;       // status.allocatable (status.capacity when absent)
  int64_t allowed_pods = 0;    // allocatable "pods"
  bool unschedulable = false;  // spec.unschedulable (cordoned)
  bool known = false;          // false while only pods refer to this name

  // Sums over `pods`.
  Resources requested;
  int64_t non_zero_milli_cpu = 0;
  int64_t non_zero_memory = 0;
  std::vector<std::shared_ptr<const PodInfo>> pods;
  std::vector<const PodInfo*> pods_with_affinity;               // any pod (anti-)affinity
  std::vector<const PodInfo*> pods_with_required_anti_affinity;
  std::vector<HostPort> used_ports;  // one entry per pod port

  // Position in the snapshot's node order (valid while `known`).
  size_t index = 0;

  // The node's value for a label, or nullptr.
  const std::string* Label(const std::string& key) const {
    auto it = labels.find(key);
    return it == labels.end() ? nullptr : &it->second;
  }
};

}  // namespace berth::scheduler
