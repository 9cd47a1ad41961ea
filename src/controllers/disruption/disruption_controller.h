// DisruptionController: keeps PodDisruptionBudget status current (kube's disruption controller),
// which the pods/eviction subresource checks and decrements.
//
// Per budget (key "ns/name"):
// - Selected pods: the namespace's pods matching spec.selector (an empty selector selects all).
// - expectedPods: with minAvailable as an integer, the number of selected pods; with
//   maxUnavailable or a minAvailable percentage, the sum of the replicas of the pods' controllers,
//   as kube does: a ReplicaSet owned by a Deployment counts the Deployment's spec.replicas,
//   other ReplicaSets and StatefulSets their own spec.replicas (each controller once). A pod whose
//   controller is none of these fails the sync (DisruptionAllowed=False, reason SyncFailed);
//   pods without a controller are skipped with an UnmanagedPods warning event.
// - desiredHealthy: minAvailable, or expectedPods - maxUnavailable; percentages round up.
// - currentHealthy: selected pods that are Ready and not being deleted, not counting pods the
//   eviction API recorded in status.disruptedPods.
// - disruptionsAllowed = max(0, currentHealthy - desiredHealthy) (0 when nothing is expected),
//   the DisruptionAllowed condition (True/SufficientPods, False/InsufficientPods),
//   observedGeneration = metadata.generation.
// - status.disruptedPods entries are dropped once the pod is gone or being deleted, or 2 minutes
//   (by the injected clock) after the eviction; the budget is re-checked when the next one expires.
// The status is written (merge patch with resourceVersion) only when it changes.
//
// Thread-safety: Sync runs on the controller's workers, one key at a time.
#pragma once

#include <string>

#include "controller/controller.h"

namespace berth::controllers {

class DisruptionController : public controller::QueueController {
 public:
  explicit DisruptionController(const controller::Context& ctx);
  ~DisruptionController() override;
  const char* Name() const override { return "disruption"; }

 protected:
  Status Sync(const std::string& key) override;

 private:
  // Queues every budget in the pod's namespace whose selector matches the pod.
  void EnqueueBudgetsFor(const json::object& pod);
  // Sum of the replicas of the pods' controllers; fails for unknown controllers.
  StatusOr<int64_t> ExpectedScale(const json::object& pdb,
                                  const std::vector<controller::ObjectPtr>& pods);

  controller::Informer* pdbs_;
  controller::Informer* pods_;
  controller::Informer* replicasets_;
  controller::Informer* deployments_;
  controller::Informer* statefulsets_;
};

}  // namespace berth::controllers
