// The rollout strategies and scaling of DeploymentController (see deployment_controller.h).
#include <algorithm>
#include <map>

#include "controllers/common/owner_refs.h"
#include "controllers/common/pod_state.h"
#include "controllers/deployment/conditions.h"
#include "controllers/deployment/deployment_controller.h"
#include "controllers/deployment/revision.h"
#include "controllers/deployment/rolling.h"
#include "controllers/deployment/status_patch.h"

namespace berth::controllers {

using deployutil::DeploymentComplete;
using deployutil::FilterActive;
using deployutil::GetCondition;
using deployutil::GetProportion;
using deployutil::HasProgressDeadline;
using deployutil::IntAnnotation;
using deployutil::IsRollingUpdate;
using deployutil::IsSaturated;
using deployutil::MaxSurge;
using deployutil::MaxUnavailable;
using deployutil::NewCondition;
using deployutil::NewRSNewReplicas;
using deployutil::RsPtr;
using deployutil::SetCondition;
using deployutil::SortByCreation;
using deployutil::SortByRevision;
using deployutil::SortBySize;
using deployutil::SpecReplicas;
using deployutil::StatusCount;
using deployutil::StatusOf;
using deployutil::SumSpecReplicas;
using deployutil::SumStatus;
using deployutil::kDesiredReplicasAnnotation;

namespace {

bool Paused(const json::object& d) {
  const json::value* p = GetPath(d, {"spec", "paused"});
  return p && p->is_bool() && p->as_bool();
}

std::vector<RsPtr> AllOf(const std::vector<RsPtr>& old_rs, const RsPtr& new_rs) {
  std::vector<RsPtr> all = old_rs;
  if (new_rs) all.push_back(new_rs);
  return all;
}

}  // namespace

Status DeploymentController::CheckPausedConditions(State& s) {
  if (!HasProgressDeadline(s.d)) return Status::Ok();
  json::object status = StatusOf(s.d);
  const json::object* cond = GetCondition(status, "Progressing");
  if (cond && GetString(*cond, {"reason"}) == "ProgressDeadlineExceeded") return Status::Ok();
  bool paused_cond = cond && GetString(*cond, {"reason"}) == "DeploymentPaused";
  Clock::time_point now = ctx_.clock->Now();
  if (Paused(s.d) && !paused_cond) {
    SetCondition(status, NewCondition("Progressing", "Unknown", "DeploymentPaused",
                                      "Deployment is paused", now));
  } else if (!Paused(s.d) && paused_cond) {
    SetCondition(status, NewCondition("Progressing", "Unknown", "DeploymentResumed",
                                      "Deployment is resumed", now));
  } else {
    return Status::Ok();
  }
  return WriteStatus(s, status);
}

bool DeploymentController::IsScalingEvent(const State& s) const {
  int64_t desired = SpecReplicas(s.d);
  for (const auto& rs : FilterActive(AllOf(s.old_rs, s.new_rs))) {
    std::optional<int64_t> annotated = IntAnnotation(*rs, kDesiredReplicasAnnotation);
    if (annotated && *annotated != desired) return true;
  }
  return false;
}

Status DeploymentController::SyncScaleOnly(State& s) {
  Status st = Scale(s);
  if (!st.ok()) return st;
  if (Paused(s.d)) {
    st = CleanupDeployment(s);
    if (!st.ok()) return st;
  }
  return SyncDeploymentStatus(s);
}

Status DeploymentController::Scale(State& s) {
  const int64_t desired = SpecReplicas(s.d);
  // One active (or, with none active, the newest) ReplicaSet takes the whole size.
  std::vector<RsPtr> old_sorted = s.old_rs;
  SortByCreation(old_sorted);
  std::vector<RsPtr> active = FilterActive(AllOf(old_sorted, s.new_rs));
  RsPtr target;
  if (active.empty()) {
    target = s.new_rs ? s.new_rs : (old_sorted.empty() ? nullptr : old_sorted.back());
  } else if (active.size() == 1) {
    target = active[0];
  }
  if (target || active.size() <= 1) {
    if (!target || SpecReplicas(*target) == desired) return Status::Ok();
    return ScaleReplicaSet(s, target, desired);
  }
  // The new RS is saturated: the old ones go.
  if (IsSaturated(s.d, s.new_rs.get())) {
    for (const auto& rs : FilterActive(s.old_rs)) {
      Status st = ScaleReplicaSet(s, rs, 0);
      if (!st.ok()) return st;
    }
    return Status::Ok();
  }
  if (!IsRollingUpdate(s.d)) return Status::Ok();
  // Proportional scaling of every active RS mid-rollout.
  int64_t allowed = desired > 0 ? desired + MaxSurge(s.d) : 0;
  int64_t to_add = allowed - SumSpecReplicas(active);
  if (to_add > 0) SortBySize(active, /*newer_first=*/true);
  if (to_add < 0) SortBySize(active, /*newer_first=*/false);
  int64_t added = 0;
  std::vector<int64_t> sizes;
  for (const auto& rs : active) {
    int64_t size = SpecReplicas(*rs);
    if (to_add != 0) {
      int64_t p = GetProportion(s.d, *rs, to_add, added);
      size += p;
      added += p;
    }
    sizes.push_back(size);
  }
  for (size_t i = 0; i < active.size(); i++) {
    if (i == 0 && to_add != 0) {
      sizes[0] = std::max<int64_t>(sizes[0] + (to_add - added), 0);  // leftovers to the largest
    }
    Status st = ScaleReplicaSet(s, active[i], sizes[i]);
    if (!st.ok()) return st;
  }
  return Status::Ok();
}

Status DeploymentController::RolloutRolling(State& s) {
  Status st = GetAllReplicaSetsAndSyncRevision(s, /*create=*/true);
  if (!st.ok()) return st;
  bool scaled = false;
  st = ReconcileNewReplicaSet(s, &scaled);
  if (!st.ok()) return st;
  if (scaled) return SyncRolloutStatus(s);
  st = ReconcileOldReplicaSets(s, &scaled);
  if (!st.ok()) return st;
  if (scaled) return SyncRolloutStatus(s);
  if (DeploymentComplete(s.d, StatusOf(s.d))) {
    st = CleanupDeployment(s);
    if (!st.ok()) return st;
  }
  return SyncRolloutStatus(s);
}

Status DeploymentController::ReconcileNewReplicaSet(State& s, bool* scaled) {
  *scaled = false;
  if (!s.new_rs) return Status::Ok();
  int64_t desired = SpecReplicas(s.d);
  int64_t current = SpecReplicas(*s.new_rs);
  if (current == desired) return Status::Ok();
  if (current > desired) return ScaleReplicaSet(s, s.new_rs, desired, scaled);
  int64_t n = NewRSNewReplicas(s.d, AllOf(s.old_rs, s.new_rs), *s.new_rs);
  return ScaleReplicaSet(s, s.new_rs, n, scaled);
}

Status DeploymentController::ReconcileOldReplicaSets(State& s, bool* scaled) {
  *scaled = false;
  if (SumSpecReplicas(s.old_rs) == 0) return Status::Ok();
  std::vector<RsPtr> all = AllOf(s.old_rs, s.new_rs);
  int64_t min_available = SpecReplicas(s.d) - MaxUnavailable(s.d);
  int64_t new_unavailable =
      s.new_rs ? SpecReplicas(*s.new_rs) - StatusCount(*s.new_rs, "availableReplicas") : 0;
  int64_t max_scaled_down = SumSpecReplicas(all) - min_available - new_unavailable;
  if (max_scaled_down <= 0) return Status::Ok();

  std::vector<RsPtr> old_sorted = FilterActive(s.old_rs);
  SortByCreation(old_sorted);
  // First the old replicas that are not available anyway: removing them costs nothing.
  int64_t cleaned = 0;
  for (const auto& rs : old_sorted) {
    if (cleaned >= max_scaled_down) break;
    int64_t size = SpecReplicas(*rs);
    int64_t available = StatusCount(*rs, "availableReplicas");
    if (size == 0 || size <= available) continue;
    int64_t down = std::min(max_scaled_down - cleaned, size - available);
    Status st = ScaleReplicaSet(s, rs, size - down);
    if (!st.ok()) return st;
    cleaned += down;
  }
  // Then healthy old replicas, as far as availability allows.
  int64_t available = SumStatus(all, "availableReplicas");
  int64_t total_down = available - min_available;
  int64_t scaled_down = 0;
  for (const auto& rs : old_sorted) {
    if (scaled_down >= total_down) break;
    int64_t size = SpecReplicas(*rs);
    if (size == 0) continue;
    int64_t down = std::min(size, total_down - scaled_down);
    Status st = ScaleReplicaSet(s, rs, size - down);
    if (!st.ok()) return st;
    scaled_down += down;
  }
  *scaled = cleaned + std::max<int64_t>(scaled_down, 0) > 0;
  return Status::Ok();
}

bool DeploymentController::OldPodsRunning(const State& s) const {
  if (SumStatus(s.old_rs, "replicas") > 0) return true;
  std::vector<std::string> uids;
  for (const auto& rs : s.old_rs) uids.push_back(GetString(*rs, {"metadata", "uid"}));
  for (const auto& pod : pod_informer_->List(GetString(s.d, {"metadata", "namespace"}))) {
    const json::object* ref = ControllerRefOf(*pod);
    if (!ref) continue;
    std::string uid = GetString(*ref, {"uid"});
    if (std::find(uids.begin(), uids.end(), uid) == uids.end()) continue;
    std::string phase = GetString(*pod, {"status", "phase"});
    if (phase == "Failed" || phase == "Succeeded") continue;
    return true;
  }
  return false;
}

Status DeploymentController::RolloutRecreate(State& s) {
  Status st = GetAllReplicaSetsAndSyncRevision(s, /*create=*/false);
  if (!st.ok()) return st;
  bool any_scaled = false;
  for (const auto& rs : FilterActive(s.old_rs)) {
    bool scaled = false;
    st = ScaleReplicaSet(s, rs, 0, &scaled);
    if (!st.ok()) return st;
    any_scaled |= scaled;
  }
  if (any_scaled || OldPodsRunning(s)) return SyncRolloutStatus(s);
  if (!s.new_rs) {
    st = GetAllReplicaSetsAndSyncRevision(s, /*create=*/true);
    if (!st.ok()) return st;
  }
  if (s.new_rs) {
    st = ScaleReplicaSet(s, s.new_rs, SpecReplicas(s.d));
    if (!st.ok()) return st;
  }
  if (DeploymentComplete(s.d, StatusOf(s.d))) {
    st = CleanupDeployment(s);
    if (!st.ok()) return st;
  }
  return SyncRolloutStatus(s);
}

Status DeploymentController::CleanupDeployment(State& s) {
  const json::value* limit_v = GetPath(s.d, {"spec", "revisionHistoryLimit"});
  if (!limit_v || limit_v->is_null()) return Status::Ok();
  int64_t limit = GetInt(s.d, {"spec", "revisionHistoryLimit"});
  std::vector<RsPtr> cleanable;
  for (const auto& rs : s.old_rs) {
    if (!IsBeingDeleted(*rs)) cleanable.push_back(rs);
  }
  int64_t diff = static_cast<int64_t>(cleanable.size()) - limit;
  if (diff <= 0) return Status::Ok();
  SortByRevision(cleanable);
  for (int64_t i = 0; i < diff; i++) {
    const json::object& rs = *cleanable[i];
    if (StatusCount(rs, "replicas") != 0 || SpecReplicas(rs) != 0 ||
        GetInt(rs, {"metadata", "generation"}, 1) > StatusCount(rs, "observedGeneration")) {
      continue;  // still running pods, or its controller has not caught up yet
    }
    Status st = ctx_.client->Delete(ObjectPath("/apis/apps/v1",
                                               GetString(rs, {"metadata", "namespace"}),
                                               "replicasets", GetString(rs, {"metadata", "name"})));
    if (!st.ok() && st.reason() != Reason::kNotFound) return st;
  }
  return Status::Ok();
}

}  // namespace berth::controllers
