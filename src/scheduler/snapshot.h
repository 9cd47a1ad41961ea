// Snapshot: the cluster state the placement algorithm decides on: nodes and the pods bound or
// assumed on them. The scheduler loop updates it from informer events; Algorithm::Schedule
// only reads it.
//
// Thread-safety: NOT thread-safe; the caller serializes all calls (reads included).
// Pointers returned by FindNode/Nodes stay valid until the next mutating call.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "common/json.h"
#include "scheduler/node_info.h"
#include "scheduler/pod_info.h"
#include "scheduler/resources.h"

namespace berth::scheduler {

class Snapshot {
 public:
  // Adds or replaces the node named metadata.name; its pods are kept.
  void UpsertNode(const json::object& node);
  // Forgets the node. Pods still bound to it are kept (not counted anywhere) until they are
  // removed or the node comes back.
  void RemoveNode(const std::string& name);
  // Counts `pod` against pod->node_name (which must be set), replacing an earlier pod with
  // the same namespace/name. A pod on a node that is not known yet is attached when the node
  // appears.
  void AddPod(std::shared_ptr<const PodInfo> pod);
  // No-op when the pod is unknown.
  void RemovePod(const std::string& ns, const std::string& name);

  size_t NodeCount() const { return order_.size(); }
  size_t PodCount() const { return pods_.size(); }
  const NodeInfo* FindNode(const std::string& name) const;
  // Known nodes in a stable order (insertion order); nodes[i]->index == i.
  const std::vector<const NodeInfo*>& Nodes() const { return order_; }

  // Pods with any pod (anti-)affinity term, and with required anti-affinity terms: when zero,
  // inter-pod affinity work for a pod without terms of its own can be skipped.
  int PodsWithAffinity() const { return pods_with_affinity_; }
  int PodsWithRequiredAntiAffinity() const { return pods_with_required_anti_affinity_; }

 private:
  NodeInfo* Ensure(const std::string& name);
  void Reindex(size_t from);

  std::unordered_map<std::string, std::unique_ptr<NodeInfo>> infos_;  // incl. placeholders
  std::vector<const NodeInfo*> order_;
  std::unordered_map<std::string, NodeInfo*> pods_;  // "ns/name" -> its node
  int pods_with_affinity_ = 0;
  int pods_with_required_anti_affinity_ = 0;
};

}  // namespace berth::scheduler
