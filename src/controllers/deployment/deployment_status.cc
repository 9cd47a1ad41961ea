// Status and conditions of DeploymentController (see deployment_controller.h).
#include <algorithm>
#include <optional>

#include "controllers/deployment/conditions.h"
#include "controllers/deployment/deployment_controller.h"
#include "controllers/deployment/rolling.h"
#include "controllers/deployment/status_patch.h"

namespace berth::controllers {

using deployutil::DeploymentComplete;
using deployutil::DeploymentProgressing;
using deployutil::DeploymentTimedOut;
using deployutil::GetCondition;
using deployutil::HasProgressDeadline;
using deployutil::MaxUnavailable;
using deployutil::NewCondition;
using deployutil::RemoveCondition;
using deployutil::RsPtr;
using deployutil::SetCondition;
using deployutil::SpecReplicas;
using deployutil::StatusCount;
using deployutil::StatusOf;
using deployutil::SumSpecReplicas;
using deployutil::SumStatus;

json::object DeploymentController::CalculateStatus(const State& s) const {
  std::vector<RsPtr> all = s.old_rs;
  if (s.new_rs) all.push_back(s.new_rs);
  int64_t available = SumStatus(all, "availableReplicas");
  int64_t unavailable = std::max<int64_t>(SumSpecReplicas(all) - available, 0);
  json::object old = StatusOf(s.d);
  json::object st;
  st["observedGeneration"] = GetInt(s.d, {"metadata", "generation"}, 1);
  auto put = [&st](const char* k, int64_t v) {
    if (v != 0) st[k] = v;  // zero counts are omitted, as kube serializes them
  };
  put("replicas", SumStatus(all, "replicas"));
  put("updatedReplicas", s.new_rs ? StatusCount(*s.new_rs, "replicas") : 0);
  put("readyReplicas", SumStatus(all, "readyReplicas"));
  put("availableReplicas", available);
  put("unavailableReplicas", unavailable);
  if (const json::value* cc = old.if_contains("collisionCount"); cc && !cc->is_null()) {
    st["collisionCount"] = *cc;
  }
  if (const json::value* conds = old.if_contains("conditions")) st["conditions"] = *conds;
  Clock::time_point now = ctx_.clock->Now();
  if (available >= SpecReplicas(s.d) - MaxUnavailable(s.d)) {
    SetCondition(st, NewCondition("Available", "True", "MinimumReplicasAvailable",
                                  "Deployment has minimum availability.", now));
  } else {
    SetCondition(st, NewCondition("Available", "False", "MinimumReplicasUnavailable",
                                  "Deployment does not have minimum availability.", now));
  }
  return st;
}

Status DeploymentController::SyncDeploymentStatus(State& s) {
  return WriteStatus(s, CalculateStatus(s));
}

Status DeploymentController::SyncRolloutStatus(State& s) {
  json::object st = CalculateStatus(s);
  const bool has_deadline = HasProgressDeadline(s.d);
  if (!has_deadline) RemoveCondition(st, "Progressing");
  const json::object* cur = GetCondition(st, "Progressing");
  json::object current = cur ? *cur : json::object{};
  bool already_complete = GetInt(st, {"replicas"}) == GetInt(st, {"updatedReplicas"}) && cur &&
                          GetString(current, {"reason"}) == "NewReplicaSetAvailable";
  Clock::time_point now = ctx_.clock->Now();
  if (has_deadline && !already_complete) {
    std::string subject =
        s.new_rs ? "ReplicaSet \"" + GetString(*s.new_rs, {"metadata", "name"}) + "\""
                 : "Deployment \"" + GetString(s.d, {"metadata", "name"}) + "\"";
    if (DeploymentComplete(s.d, st)) {
      SetCondition(st, NewCondition("Progressing", "True", "NewReplicaSetAvailable",
                                    subject + " has successfully progressed.", now));
    } else if (DeploymentProgressing(s.d, st)) {
      json::object cond = NewCondition("Progressing", "True", "ReplicaSetUpdated",
                                       subject + " is progressing.", now);
      if (cur) {
        if (GetString(current, {"status"}) == "True") {
          cond["lastTransitionTime"] = current["lastTransitionTime"];
        }
        RemoveCondition(st, "Progressing");
      }
      SetCondition(st, std::move(cond));
    } else if (DeploymentTimedOut(s.d, st, now)) {
      SetCondition(st, NewCondition("Progressing", "False", "ProgressDeadlineExceeded",
                                    subject + " has timed out progressing.", now));
    }
  }
  // Pod creation failures of the ReplicaSets surface as ReplicaFailure.
  std::vector<RsPtr> all = s.old_rs;
  if (s.new_rs) all.insert(all.begin(), s.new_rs);
  std::optional<json::object> failure;
  for (const auto& rs : all) {
    json::object rs_status = StatusOf(*rs);
    const json::object* c = GetCondition(rs_status, "ReplicaFailure");
    if (c && GetString(*c, {"status"}) == "True") {
      failure = *c;
      break;
    }
  }
  if (failure) {
    SetCondition(st, NewCondition("ReplicaFailure", "True", GetString(*failure, {"reason"}),
                                  GetString(*failure, {"message"}), now));
  } else {
    RemoveCondition(st, "ReplicaFailure");
  }
  Status result = WriteStatus(s, st);
  if (result.ok()) RequeueStuck(s, st);
  return result;
}

void DeploymentController::RequeueStuck(const State& s, const json::object& st) {
  const json::object* cond = GetCondition(st, "Progressing");
  if (!HasProgressDeadline(s.d) || !cond) return;
  if (DeploymentComplete(s.d, st) ||
      GetString(*cond, {"reason"}) == "ProgressDeadlineExceeded") {
    return;
  }
  Clock::time_point from{};
  if (!ParseRfc3339(GetString(*cond, {"lastUpdateTime"}), &from)) return;
  auto after = from + std::chrono::seconds(GetInt(s.d, {"spec", "progressDeadlineSeconds"})) -
               ctx_.clock->Now();
  if (after < std::chrono::seconds(1)) {
    queue_.AddRateLimited(s.key);
    return;
  }
  // One second past the deadline: the check is "strictly after".
  queue_.AddAfter(s.key, after + std::chrono::seconds(1));
}

}  // namespace berth::controllers
