#include "controllers/statefulset/statefulset_controller.h"

#include <algorithm>
#include <set>

#include "controllers/common/controller_revision.h"
#include "controllers/common/owner_refs.h"
#include "controllers/common/pod_state.h"
#include "controllers/statefulset/stateful_pod.h"

namespace berth::controllers {

namespace {

constexpr const char* kSetPath = "/apis/apps/v1/statefulsets";
constexpr const char* kPodPath = "/api/v1/pods";

std::string SetPath(const json::object& set) {
  return ObjectPath("/apis/apps/v1", GetString(set, {"metadata", "namespace"}), "statefulsets",
                    GetString(set, {"metadata", "name"}));
}

}  // namespace

StatefulSetController::StatefulSetController(const controller::Context& ctx)
    : QueueController(ctx),
      set_informer_(ctx.informers->For(kSetPath)),
      pod_informer_(ctx.informers->For(kPodPath)),
      rev_informer_(ctx.informers->For(kControllerRevisionsPath)) {
  set_informer_->AddHandler(EnqueueOnEvents());
  pod_informer_->AddHandler(controller::EventHandler{
      [this](const controller::ObjectPtr& p) { OnPodEvent(nullptr, p); },
      [this](const controller::ObjectPtr& o, const controller::ObjectPtr& p) { OnPodEvent(o, p); },
      [this](const controller::ObjectPtr& p) { OnPodEvent(nullptr, p); }});
}

std::string StatefulSetController::OwnerKey(const json::object& pod) const {
  return ControllerKeyIn(pod, "StatefulSet", *set_informer_);
}

void StatefulSetController::EnqueueMatching(const json::object& pod) {
  for (const auto& owner : SelectingOwners(pod, *set_informer_)) Enqueue(*owner);
}

void StatefulSetController::OnPodEvent(const controller::ObjectPtr& old_pod,
                                       const controller::ObjectPtr& pod) {
  if (old_pod && GetString(*old_pod, {"metadata", "resourceVersion"}) ==
                     GetString(*pod, {"metadata", "resourceVersion"})) {
    return;
  }
  if (old_pod) {
    std::string old_key = OwnerKey(*old_pod);
    if (!old_key.empty()) queue_.Add(old_key);
  }
  std::string key = OwnerKey(*pod);
  if (!key.empty()) {
    queue_.Add(key);
    controller::ObjectPtr set = set_informer_->GetByKey(key);
    int64_t min_ready = set ? GetInt(*set, {"spec", "minReadySeconds"}) : 0;
    if (old_pod && min_ready > 0 && !IsPodReady(*old_pod) && IsPodReady(*pod)) {
      queue_.AddAfter(key, std::chrono::seconds(min_ready));
    }
    return;
  }
  if (!ControllerRefOf(*pod) && !IsBeingDeleted(*pod)) EnqueueMatching(*pod);
}

Status StatefulSetController::Sync(const std::string& key) {
  std::string ns, name;
  controller::SplitKey(key, &ns, &name);
  controller::ObjectPtr cached = set_informer_->Get(ns, name);
  if (!cached) return Status::Ok();
  json::object set = *cached;
  if (GetString(set, {"kind"}).empty()) set["kind"] = "StatefulSet";
  if (GetString(set, {"apiVersion"}).empty()) set["apiVersion"] = "apps/v1";
  const json::value* sel_json = GetPath(set, {"spec", "selector"});
  auto selector = api::selector::FromLabelSelectorJson(sel_json ? *sel_json : json::value());
  if (!selector.ok() || selector->Empty()) return Status::Ok();  // validation refuses these

  // Revisions.
  std::vector<controller::ObjectPtr> revisions =
      ListOwnedRevisions(ctx_.client, rev_informer_, set, *selector);
  int64_t collisions = GetInt(set, {"status", "collisionCount"});
  auto update = EnsureCurrentRevision(ctx_.client, set, revisions, &collisions);
  if (!update.ok()) return update.status();
  Revisions revs{*update, *update};
  std::string current_name = GetString(set, {"status", "currentRevision"});
  for (const auto& r : revisions) {
    if (GetString(*r, {"metadata", "name"}) == current_name) revs.current = *r;
  }

  // Member pods.
  std::vector<controller::ObjectPtr> pods;
  for (const auto& p :
       ClaimObjects(ctx_.client, set, *selector, pod_informer_->List(ns), PodPath)) {
    if (stateful::OrdinalOf(name, GetString(*p, {"metadata", "name"}))) pods.push_back(p);
  }

  Status result;
  if (!IsBeingDeleted(set)) result = UpdatePods(set, revs, pods);

  // Status.
  std::string cur = GetString(revs.current, {"metadata", "name"});
  std::string upd = GetString(revs.update, {"metadata", "name"});
  int min_ready = static_cast<int>(GetInt(set, {"spec", "minReadySeconds"}));
  Clock::time_point now = ctx_.clock->Now();
  int64_t replicas = 0, ready = 0, available = 0, current = 0, updated = 0;
  std::chrono::nanoseconds recheck = std::chrono::nanoseconds::max();
  for (const auto& p : pods) {
    if (stateful::IsCreated(*p)) replicas++;
    if (stateful::IsRunningAndReady(*p)) {
      ready++;
      if (stateful::IsRunningAndAvailable(*p, min_ready, now)) {
        available++;
      } else {
        Clock::time_point since;
        PodReadySince(*p, &since);
        recheck = std::min<std::chrono::nanoseconds>(recheck,
                                                     since + std::chrono::seconds(min_ready) - now);
      }
    }
    if (stateful::IsCreated(*p) && !stateful::IsTerminating(*p)) {
      std::string rev = stateful::PodRevision(*p);
      if (rev == cur) current++;
      if (rev == upd) updated++;
    }
  }
  if (GetString(set, {"spec", "updateStrategy", "type"}, "RollingUpdate") == "RollingUpdate" &&
      updated == replicas && ready == replicas) {
    current = updated;
    cur = upd;
  }
  json::object old_status;
  if (const json::value* s = set.if_contains("status"); s && s->is_object()) {
    old_status = s->as_object();
  }
  json::object status = old_status;
  status["observedGeneration"] = GetInt(set, {"metadata", "generation"}, 1);
  status["replicas"] = replicas;
  status["readyReplicas"] = ready;
  status["availableReplicas"] = available;
  status["currentReplicas"] = current;
  status["updatedReplicas"] = updated;
  status["currentRevision"] = cur;
  status["updateRevision"] = upd;
  status["collisionCount"] = collisions;
  if (status != old_status) {
    auto r = ctx_.client->Patch(SetPath(set) + "/status", json::object{{"status", status}},
                                client::PatchType::kMerge);
    if (!r.ok() && r.status().reason() != Reason::kNotFound && result.ok()) result = r.status();
  }

  // History: keep the revisions pods run plus the current and update ones.
  std::set<std::string> live{cur, upd, GetString(revs.current, {"metadata", "name"})};
  for (const auto& p : pods) live.insert(stateful::PodRevision(*p));
  Status trimmed = TruncateRevisionHistory(ctx_.client, revisions, live,
                                           GetInt(set, {"spec", "revisionHistoryLimit"}, 10));
  if (!trimmed.ok() && result.ok()) result = trimmed;

  if (result.ok() && recheck != std::chrono::nanoseconds::max()) {
    queue_.AddAfter(key, std::max<std::chrono::nanoseconds>(recheck, std::chrono::milliseconds(1)));
  }
  return result;
}

}  // namespace berth::controllers
