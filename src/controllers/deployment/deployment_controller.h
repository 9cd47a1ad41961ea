// DeploymentController: rolls a Deployment's pod template out through ReplicaSets (kube's
// deployment controller), in the shape `kubectl rollout status/history/undo/restart/pause` and
// `kubectl wait --for=condition=Available` read.
//
// Watches deployments, replicasets (mapped to their controlling Deployment, orphans to matching
// Deployments) and pod deletions (for Recreate). A sync:
// - claims ReplicaSets by selector; finds the new RS (template equal ignoring pod-template-hash,
//   oldest first) or creates "<deploy>-<hash>" (hash of template + collisionCount, label
//   pod-template-hash on its selector and template; a name clash with a foreign RS bumps
//   status.collisionCount); the new RS carries revision max(old)+1 (a reused old RS, after
//   `rollout undo`, gets the new highest revision), desired/max-replicas, and the Deployment's
//   annotations (change-cause); the Deployment gets the revision annotation too;
// - paused: only scales (proportionally) and keeps Progressing reason DeploymentPaused;
// - a resize (desired-replicas annotation differs): proportional scaling of the active RSs;
// - RollingUpdate: grows the new RS within maxSurge, shrinks old ones within maxUnavailable
//   (unhealthy old replicas first); Recreate: old RSs to 0, waits until their pods are gone, then
//   the new RS to full size;
// - when complete, deletes the oldest zero-sized old RSs beyond revisionHistoryLimit;
// - then writes status (replicas, updated/ready/available/unavailable, observedGeneration =
//   metadata.generation, collisionCount, Available and Progressing conditions with kube's reasons
//   and messages, ProgressDeadlineExceeded by the injected clock with an AddAfter requeue) only
//   after the RS changes, and only when it changed.
// Events: ScalingReplicaSet "Scaled up replica set X from 0 to 3" / "Scaled down ...".
// Thread-safety: as QueueController.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "controller/controller.h"
#include "controllers/deployment/replica_sets.h"

namespace berth::controllers {

class DeploymentController : public controller::QueueController {
 public:
  explicit DeploymentController(const controller::Context& ctx);
  const char* Name() const override { return "deployment"; }

 protected:
  Status Sync(const std::string& key) override;

 private:
  using RsPtr = deployutil::RsPtr;
  // One sync's working copies.
  struct State {
    std::string key;
    json::object d;
    std::vector<RsPtr> rs_list;  // every RS the deployment controls
    RsPtr new_rs;                // null until found or created
    std::vector<RsPtr> old_rs;
  };

  // Handlers.
  void OnRs(const controller::ObjectPtr& old_rs, const controller::ObjectPtr& rs);
  void OnRsDelete(const controller::ObjectPtr& rs);
  void OnPodDelete(const controller::ObjectPtr& pod);
  std::string DeploymentKeyOf(const json::object& obj) const;
  void EnqueueMatching(const json::object& rs);

  // deployment_controller.cc: finding/creating the new RS, scaling one RS, writing status.
  Status GetAllReplicaSetsAndSyncRevision(State& s, bool create);
  Status GetNewReplicaSet(State& s, bool create);
  // Scales `rs` to `replicas` (and refreshes its replica annotations); `scaled` tells whether
  // spec.replicas changed. Records ScalingReplicaSet.
  Status ScaleReplicaSet(State& s, const RsPtr& rs, int64_t replicas, bool* scaled = nullptr);
  Status PatchReplicaSet(const RsPtr& rs, const json::object& patch);
  Status WriteStatus(State& s, const json::object& status);
  client::ObjectRef Ref(const State& s) const;

  // deployment_rollout.cc: strategies.
  Status RolloutRolling(State& s);
  Status RolloutRecreate(State& s);
  Status SyncScaleOnly(State& s);  // kube's sync(): paused deployments and resizes
  Status Scale(State& s);
  bool IsScalingEvent(const State& s) const;
  Status CheckPausedConditions(State& s);
  Status ReconcileNewReplicaSet(State& s, bool* scaled);
  Status ReconcileOldReplicaSets(State& s, bool* scaled);
  Status CleanupDeployment(State& s);
  bool OldPodsRunning(const State& s) const;

  // deployment_status.cc: status and conditions.
  json::object CalculateStatus(const State& s) const;
  Status SyncRolloutStatus(State& s);
  Status SyncDeploymentStatus(State& s);
  void RequeueStuck(const State& s, const json::object& status);

  controller::Informer* d_informer_;
  controller::Informer* rs_informer_;
  controller::Informer* pod_informer_;
};

}  // namespace berth::controllers
