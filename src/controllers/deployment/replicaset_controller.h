// ReplicaSetController: keeps spec.replicas pods of a ReplicaSet running (kube's ReplicaSet
// controller). A second instance (Flavor ReplicationControllers) runs core/v1
// ReplicationControllers the same way, as kube's replication manager does.
//
// Watches replicasets and pods. A pod event is mapped to the ReplicaSet named by its controller
// reference, or for orphans to every ReplicaSet in the namespace whose selector matches. A sync
// claims pods (adopt matching orphans, release controlled pods that no longer match), creates the
// missing pods from the template (generateName "<rs>-", slow-start batches 1, 2, 4, ... stopping at
// the first failure; at most 500 per sync) and deletes the surplus, deleting first the pods that
// matter least (see pod_ranking.h). Expectations keep a sync from acting again before the
// informer saw the previous sync's creates and deletes. Then status (replicas,
// fullyLabeledReplicas, readyReplicas, availableReplicas, observedGeneration, ReplicaFailure) is
// written through /status when it changed; a pod that will become available after
// minReadySeconds requeues the ReplicaSet for that moment.
//
// Events: SuccessfulCreate "Created pod: X", SuccessfulDelete "Deleted pod: X", FailedCreate,
// FailedDelete. Sync errors are returned (the queue retries with back-off).
// Thread-safety: as QueueController; Sync may run on several workers for different keys.
#pragma once

#include <string>
#include <vector>

#include "api/selector/label_selector.h"
#include "controller/controller.h"
#include "controllers/deployment/expectations.h"

namespace berth::controllers {

class ReplicaSetController : public controller::QueueController {
 public:
  static constexpr int kBurstReplicas = 500;

  // Which kind this instance manages. The same logic runs core/v1 ReplicationControllers, whose
  // spec.selector is a plain label map instead of a metav1.LabelSelector.
  struct Flavor {
    const char* name;         // controller name: "replicaset"
    const char* kind;         // "ReplicaSet"
    const char* api_version;  // "apps/v1"
    const char* prefix;       // "/apis/apps/v1"
    const char* plural;       // "replicasets"
    bool map_selector;        // spec.selector is {label: value}
  };
  static Flavor ReplicaSets();
  static Flavor ReplicationControllers();

  explicit ReplicaSetController(const controller::Context& ctx, Flavor flavor = ReplicaSets());
  const char* Name() const override { return flavor_.name; }

 protected:
  Status Sync(const std::string& key) override;

 private:
  void OnPodAdd(const controller::ObjectPtr& pod);
  void OnPodUpdate(const controller::ObjectPtr& old_pod, const controller::ObjectPtr& pod);
  void OnPodDelete(const controller::ObjectPtr& pod);
  // The key of the ReplicaSet controlling `pod` ("" when none in the cache).
  std::string OwnerKey(const json::object& pod) const;
  void EnqueueMatching(const json::object& pod);
  // Creates or deletes pods; returns the first error.
  Status ManageReplicas(const std::vector<controller::ObjectPtr>& pods, const json::object& rs,
                        const std::string& key);
  Status WriteStatus(const json::object& rs, const json::object& status);
  // spec.selector of `rs` as a selector (a null/absent one matches nothing).
  StatusOr<api::selector::LabelSelector> SelectorOf(const json::object& rs) const;
  std::string ObjPath(const json::object& rs) const;

  Flavor flavor_;
  controller::Informer* rs_informer_;
  controller::Informer* pod_informer_;
  deployutil::Expectations expectations_;
};

}  // namespace berth::controllers
