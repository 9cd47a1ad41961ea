// StatefulSetController: runs pods with stable identities "<set>-<ordinal>" (kube's StatefulSet
// controller).
//
// Watches statefulsets, pods and controllerrevisions (pod events map to the set named by the
// pod's controller reference; orphans to every set whose selector matches). A sync:
// 1. claims pods (only "<set>-<n>" names are members) and ControllerRevisions;
// 2. makes sure a revision captures the current template (updateRevision); currentRevision is
//    status.currentRevision while that revision exists, else the update revision;
// 3. walks ordinals start..start+replicas-1 in order: failed/succeeded pods are deleted and
//    recreated under the same name; missing pods are created (from the current revision's
//    template for ordinals below the RollingUpdate partition while a rollout is in progress, else
//    from the update revision), with labels statefulset.kubernetes.io/pod-name,
//    apps.kubernetes.io/pod-index, controller-revision-hash=<revision name>, hostname = pod name
//    and subdomain = spec.serviceName. With podManagementPolicy OrderedReady the walk stops at the
//    first pod it creates, or that is terminating, not Running and Ready, or not yet available
//    (minReadySeconds); Parallel never stops;
// 4. deletes pods beyond the replica count from the highest ordinal down (OrderedReady: one at a
//    time and only once every other pod is healthy, the first unhealthy pod excepted);
// 5. RollingUpdate: from the highest ordinal down to the partition, deletes the first pod not at
//    the update revision (it is recreated by a later sync) and stops at any unhealthy pod, so one
//    pod is replaced at a time; OnDelete replaces only pods someone deleted;
// 6. writes status (replicas, readyReplicas, availableReplicas, currentReplicas, updatedReplicas,
//    currentRevision, updateRevision, observedGeneration, collisionCount; the rollout completes
//    when every pod is updated and ready) and trims revision history to revisionHistoryLimit.
// volumeClaimTemplates are not acted on (no PersistentVolumeClaims are created).
//
// Events: SuccessfulCreate "create Pod web-0 in StatefulSet web successful", SuccessfulDelete
// "delete Pod web-1 in StatefulSet web successful", FailedCreate / FailedDelete with the error.
// Errors are returned (the queue retries with back-off). Thread-safety: as QueueController.
#pragma once

#include <string>
#include <vector>

#include "controller/controller.h"

namespace berth::controllers {

class StatefulSetController : public controller::QueueController {
 public:
  explicit StatefulSetController(const controller::Context& ctx);
  const char* Name() const override { return "statefulset"; }

 protected:
  Status Sync(const std::string& key) override;

 private:
  struct Revisions {
    json::object current;
    json::object update;
  };
  void OnPodEvent(const controller::ObjectPtr& old_pod, const controller::ObjectPtr& pod);
  std::string OwnerKey(const json::object& pod) const;
  void EnqueueMatching(const json::object& pod);
  // Steps 3-5; `pods` gets the pods created. Returns the first error.
  Status UpdatePods(const json::object& set, const Revisions& revs,
                    std::vector<controller::ObjectPtr>& pods);
  Status CreatePod(const json::object& set, const json::object& pod,
                   controller::ObjectPtr* created);
  Status DeletePod(const json::object& set, const json::object& pod);

  controller::Informer* set_informer_;
  controller::Informer* pod_informer_;
  controller::Informer* rev_informer_;
};

}  // namespace berth::controllers
