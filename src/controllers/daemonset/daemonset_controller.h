// DaemonSetController: runs one pod of each DaemonSet on every eligible node (kube's DaemonSet
// controller).
//
// Watches daemonsets, pods, nodes and controllerrevisions. Pod events map to the DaemonSet named
// by the pod's controller reference (orphans: every DaemonSet whose selector matches); node
// events (added, removed, labels/taints/unschedulable/readiness changed) resync every DaemonSet.
//
// A sync (1) claims pods and ControllerRevisions by selector, (2) makes sure a ControllerRevision
// captures the current template (its hash is the pods' controller-revision-hash label),
// (3) decides per node with node_eligibility.h whether a pod should run there, creates the
// missing ones (not bound: pinned with a matchFields node affinity; the scheduler binds them),
// deletes failed pods, surplus pods and pods on nodes that no longer qualify (or that no longer
// exist, while unscheduled), (4) for updateStrategy RollingUpdate deletes pods of old revisions
// on at most maxUnavailable nodes at a time (counting nodes whose pod is missing or not yet
// available; old pods that are not available are replaced at once), to be recreated from the
// current template by a later sync; OnDelete only replaces pods someone deleted,
// (5) writes status (desired/current/updated NumberScheduled, numberReady/Available/Unavailable,
// numberMisscheduled, observedGeneration, collisionCount) and (6) trims revision history to
// revisionHistoryLimit. maxSurge is not implemented (treated as 0; maxUnavailable at least 1).
//
// Expectations (expectations.h) keep a sync from creating/deleting again before the informer saw
// the previous writes. Events: SuccessfulCreate "Created pod: X", SuccessfulDelete "Deleted pod:
// X", FailedCreate, FailedDaemonPod. Errors are returned (the queue retries with back-off).
// Thread-safety: as QueueController.
#pragma once

#include <string>

#include "controller/controller.h"
#include "controllers/daemonset/expectations.h"

namespace berth::controllers {

class DaemonSetController : public controller::QueueController {
 public:
  explicit DaemonSetController(const controller::Context& ctx);
  const char* Name() const override { return "daemonset"; }

 protected:
  Status Sync(const std::string& key) override;

 private:
  void OnPodAdd(const controller::ObjectPtr& pod);
  void OnPodUpdate(const controller::ObjectPtr& old_pod, const controller::ObjectPtr& pod);
  void OnPodDelete(const controller::ObjectPtr& pod);
  void OnNodeUpdate(const controller::ObjectPtr& old_node, const controller::ObjectPtr& node);
  // The key of the DaemonSet controlling `pod` ("" when none in the cache).
  std::string OwnerKey(const json::object& pod) const;
  void EnqueueMatching(const json::object& pod);
  void EnqueueAll();
  Status WriteStatus(const json::object& ds, const json::object& status);

  controller::Informer* ds_informer_;
  controller::Informer* pod_informer_;
  controller::Informer* node_informer_;
  controller::Informer* rev_informer_;
  daemon::Expectations expectations_;
};

}  // namespace berth::controllers
