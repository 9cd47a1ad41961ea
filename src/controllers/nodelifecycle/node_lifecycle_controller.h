// NodeLifecycleController: notices nodes that stopped heart-beating, taints them, evicts their
// pods by taint, and cleans up pods the dead node cannot (kube-controller-manager's
// node-lifecycle, taint-eviction and pod-GC controllers, for berth's nodes).
//
// Per node (work-queue key = node name), every `monitor_period` of the injected clock (and right
// when its heartbeat would pass the grace period, if that is sooner):
// - Health: the last heartbeat is the newer of the Lease renewTime (kube-node-lease/<node>) and
//   the Ready condition's lastHeartbeatTime (the node's creationTimestamp when it has neither).
//   Older than `grace_period`: Ready, MemoryPressure, DiskPressure and PIDPressure become Unknown
//   (reason NodeStatusUnknown, "Kubelet stopped posting node status."; NodeStatusNeverUpdated /
//   "Kubelet never posted node status." for conditions never posted) through the status
//   subresource, a NodeNotReady event is recorded on the node and its ready pods are marked
//   Ready=False (event NodeNotReady on each pod).
// - Taints (TaintNodeByCondition + NoExecute tainting): Ready=False gives
//   node.kubernetes.io/not-ready NoSchedule+NoExecute, Ready=Unknown node.kubernetes.io/unreachable
//   NoSchedule+NoExecute (timeAdded = now); pressure conditions and spec.unschedulable give their
//   NoSchedule taints. Managed taints that no longer apply are removed (recovery).
// - Taint-based eviction: pods on the node that do not tolerate one of its NoExecute taints are
//   deleted (event TaintManagerEviction "Marking for deletion Pod ns/name"); pods tolerating them
//   for tolerationSeconds are deleted that long after the taint's timeAdded (re-checked with
//   AddAfter); pods tolerating them without a limit stay.
// - Pod GC: pods being deleted on a node whose Ready is not True are force-deleted (grace 0, the
//   agent cannot confirm); pods bound to a node that does not exist are force-deleted once the
//   node has been missing for `grace_period`.
//
// Writes use the object's resourceVersion; a conflict fails the sync and the key is retried.
// Thread-safety: Sync runs on the controller's workers (one key at a time); the pod-by-node
// index and bookkeeping are behind mu_.
#pragma once

#include <chrono>
#include <map>
#include <mutex>
#include <set>
#include <string>

#include "controller/controller.h"

namespace berth::controllers {

struct NodeLifecycleOptions {
  std::chrono::seconds grace_period{40};
  std::chrono::seconds monitor_period{5};
};

class NodeLifecycleController : public controller::QueueController {
 public:
  NodeLifecycleController(const controller::Context& ctx, NodeLifecycleOptions opts = {});
  ~NodeLifecycleController() override;
  const char* Name() const override { return "nodelifecycle"; }

 protected:
  Status Sync(const std::string& key) override;

 private:
  // Node status: Unknown conditions when the heartbeat is stale. Updates *node when patched;
  // lowers *next_check to when a fresh heartbeat goes stale.
  Status UpdateHealth(controller::ObjectPtr* node, std::chrono::nanoseconds* next_check);
  // Managed taints from the conditions. Updates *node when patched.
  Status UpdateTaints(controller::ObjectPtr* node);
  // Taint-based eviction, not-ready marking and terminating-pod GC for the pods on the node.
  // Sets *next_check when a pod's eviction is due later.
  Status ProcessPods(const json::object& node, std::chrono::nanoseconds* next_check);
  // The node is gone: force-delete its pods once it has been missing for the grace period.
  Status SyncMissingNode(const std::string& name);

  Status ForceDelete(const json::object& pod);
  void OnPod(const controller::ObjectPtr& old_pod, const controller::ObjectPtr& pod);
  void OnPodDelete(const controller::ObjectPtr& pod);
  std::set<std::string> PodsOn(const std::string& node);

  NodeLifecycleOptions opts_;
  controller::Informer* nodes_;
  controller::Informer* leases_;
  controller::Informer* pods_;

  std::mutex mu_;
  std::map<std::string, std::set<std::string>> pods_by_node_;  // node -> "ns/name"
  std::map<std::string, Clock::time_point> missing_since_;     // node -> first seen missing
  std::map<std::string, Clock::time_point> noexecute_seen_;    // node -> NoExecute first seen
};

}  // namespace berth::controllers
