#include "controllers/deployment/replicaset_controller.h"

#include <algorithm>

#include "controllers/common/owner_refs.h"
#include "controllers/common/pod_state.h"
#include "controllers/deployment/conditions.h"
#include "controllers/deployment/pod_ranking.h"
#include "controllers/deployment/status_patch.h"

namespace berth::controllers {

namespace {

constexpr const char* kPodPath = "/api/v1/pods";

// Every template label is on the pod with the same value.
bool FullyLabeled(const json::object& pod, const json::object& rs) {
  const json::value* tl = GetPath(rs, {"spec", "template", "metadata", "labels"});
  if (!tl || !tl->is_object()) return true;
  const json::object& labels = LabelsOf(pod);
  for (const auto& kv : tl->as_object()) {
    const json::value* v = labels.if_contains(kv.key());
    if (!v || *v != kv.value()) return false;
  }
  return true;
}

}  // namespace

ReplicaSetController::Flavor ReplicaSetController::ReplicaSets() {
  return {"replicaset", "ReplicaSet", "apps/v1", "/apis/apps/v1", "replicasets", false};
}

ReplicaSetController::Flavor ReplicaSetController::ReplicationControllers() {
  return {"replicationcontroller", "ReplicationController", "v1", "/api/v1",
          "replicationcontrollers", true};
}

ReplicaSetController::ReplicaSetController(const controller::Context& ctx, Flavor flavor)
    : QueueController(ctx),
      flavor_(flavor),
      rs_informer_(ctx.informers->For(std::string(flavor.prefix) + "/" + flavor.plural)),
      pod_informer_(ctx.informers->For(kPodPath)),
      expectations_(ctx.clock) {
  rs_informer_->AddHandler(EnqueueOnEvents(
      [this](const controller::ObjectPtr& o) { expectations_.Forget(controller::KeyOf(*o)); }));
  pod_informer_->AddHandler(controller::EventHandler{
      [this](const controller::ObjectPtr& p) { OnPodAdd(p); },
      [this](const controller::ObjectPtr& o, const controller::ObjectPtr& p) { OnPodUpdate(o, p); },
      [this](const controller::ObjectPtr& p) { OnPodDelete(p); }});
}

std::string ReplicaSetController::OwnerKey(const json::object& pod) const {
  return ControllerKeyIn(pod, flavor_.kind, *rs_informer_);
}

std::string ReplicaSetController::ObjPath(const json::object& rs) const {
  return ObjectPath(flavor_.prefix, GetString(rs, {"metadata", "namespace"}), flavor_.plural,
                    GetString(rs, {"metadata", "name"}));
}

StatusOr<api::selector::LabelSelector> ReplicaSetController::SelectorOf(
    const json::object& rs) const {
  const json::value* sel = GetPath(rs, {"spec", "selector"});
  if (!flavor_.map_selector) return api::selector::FromLabelSelectorJson(sel ? *sel : json::value());
  // A ReplicationController's map; an empty or missing one selects nothing (never everything).
  if (!sel || !sel->is_object() || sel->as_object().empty()) {
    return api::selector::LabelSelector::Nothing();
  }
  return api::selector::FromLabelSelectorJson(json::object{{"matchLabels", *sel}});
}

void ReplicaSetController::EnqueueMatching(const json::object& pod) {
  if (!flavor_.map_selector) {
    for (const auto& owner : SelectingOwners(pod, *rs_informer_)) Enqueue(*owner);
    return;
  }
  for (const auto& owner : rs_informer_->List(GetString(pod, {"metadata", "namespace"}))) {
    auto selector = SelectorOf(*owner);
    if (selector.ok() && !selector->IsNothing() && selector->Matches(LabelsOf(pod))) {
      Enqueue(*owner);
    }
  }
}

void ReplicaSetController::OnPodAdd(const controller::ObjectPtr& pod) {
  if (IsBeingDeleted(*pod)) {
    OnPodDelete(pod);
    return;
  }
  if (ControllerRefOf(*pod)) {
    std::string key = OwnerKey(*pod);
    if (key.empty()) return;
    expectations_.CreationObserved(key);
    queue_.Add(key);
    return;
  }
  EnqueueMatching(*pod);
}

void ReplicaSetController::OnPodUpdate(const controller::ObjectPtr& old_pod,
                                       const controller::ObjectPtr& pod) {
  if (GetString(*old_pod, {"metadata", "resourceVersion"}) ==
      GetString(*pod, {"metadata", "resourceVersion"})) {
    return;  // a resync, nothing changed
  }
  bool labels_changed = LabelsOf(*old_pod) != LabelsOf(*pod);
  if (IsBeingDeleted(*pod)) {
    // A graceful deletion counts as observed now (kube does the same), so replacements start.
    OnPodDelete(pod);
    if (labels_changed) OnPodDelete(old_pod);
    return;
  }
  const json::object* old_ref = ControllerRefOf(*old_pod);
  const json::object* ref = ControllerRefOf(*pod);
  bool ref_changed = (old_ref == nullptr) != (ref == nullptr) ||
                     (old_ref && ref && GetString(*old_ref, {"uid"}) != GetString(*ref, {"uid"}));
  if (ref_changed && old_ref) {
    std::string old_key = OwnerKey(*old_pod);
    if (!old_key.empty()) queue_.Add(old_key);
  }
  if (ref) {
    std::string key = OwnerKey(*pod);
    if (key.empty()) return;
    queue_.Add(key);
    // A pod that just became ready becomes available after minReadySeconds.
    controller::ObjectPtr rs = rs_informer_->GetByKey(key);
    int64_t min_ready = rs ? GetInt(*rs, {"spec", "minReadySeconds"}) : 0;
    if (min_ready > 0 && !IsPodReady(*old_pod) && IsPodReady(*pod)) {
      queue_.AddAfter(key, std::chrono::seconds(min_ready));
    }
    return;
  }
  if (labels_changed || ref_changed) EnqueueMatching(*pod);
}

void ReplicaSetController::OnPodDelete(const controller::ObjectPtr& pod) {
  std::string key = OwnerKey(*pod);
  if (key.empty()) return;
  expectations_.DeletionObserved(key, GetString(*pod, {"metadata", "uid"}));
  queue_.Add(key);
}

Status ReplicaSetController::Sync(const std::string& key) {
  std::string ns, name;
  controller::SplitKey(key, &ns, &name);
  controller::ObjectPtr cached = rs_informer_->Get(ns, name);
  if (!cached) {
    expectations_.Forget(key);
    return Status::Ok();
  }
  // Owner references need kind and apiVersion; make sure the copy has them.
  auto rs = std::make_shared<json::object>(*cached);
  if (GetString(*rs, {"kind"}).empty()) (*rs)["kind"] = flavor_.kind;
  if (GetString(*rs, {"apiVersion"}).empty()) (*rs)["apiVersion"] = flavor_.api_version;
  auto selector = SelectorOf(*rs);
  if (!selector.ok()) return Status::Ok();  // invalid selectors are refused by validation anyway
  bool needs_sync = expectations_.Satisfied(key);

  std::vector<controller::ObjectPtr> active;
  for (const auto& p : pod_informer_->List(ns)) {
    if (IsPodActive(*p)) active.push_back(p);
  }
  std::vector<controller::ObjectPtr> pods =
      ClaimObjects(ctx_.client, *rs, *selector, active, PodPath);

  Status manage;
  if (needs_sync && !IsBeingDeleted(*rs)) manage = ManageReplicas(pods, *rs, key);

  // Status.
  Clock::time_point now = ctx_.clock->Now();
  int64_t min_ready = GetInt(*rs, {"spec", "minReadySeconds"});
  int64_t fully = 0, ready = 0, available = 0;
  std::chrono::nanoseconds next_available = std::chrono::nanoseconds::max();
  for (const auto& p : pods) {
    if (FullyLabeled(*p, *rs)) fully++;
    if (!IsPodReady(*p)) continue;
    ready++;
    if (IsPodAvailable(*p, static_cast<int>(min_ready), now)) {
      available++;
    } else {
      Clock::time_point since;
      PodReadySince(*p, &since);
      auto wait = since + std::chrono::seconds(min_ready) - now;
      next_available = std::min<std::chrono::nanoseconds>(next_available, wait);
    }
  }
  json::object old_status = deployutil::StatusOf(*rs);
  json::object status;
  status["replicas"] = static_cast<int64_t>(pods.size());
  status["fullyLabeledReplicas"] = fully;
  status["readyReplicas"] = ready;
  status["availableReplicas"] = available;
  status["observedGeneration"] = GetInt(*rs, {"metadata", "generation"}, 1);
  if (const auto* conds = old_status.if_contains("conditions")) status["conditions"] = *conds;
  const bool has_failure = deployutil::GetCondition(status, "ReplicaFailure") != nullptr;
  if (!manage.ok() && !has_failure) {
    int64_t want = GetInt(*rs, {"spec", "replicas"}, 1);
    std::string reason =
        static_cast<int64_t>(pods.size()) < want ? "FailedCreate" : "FailedDelete";
    deployutil::SetCondition(
        status, deployutil::NewCondition("ReplicaFailure", "True", reason, manage.message(), now,
                                         /*with_update_time=*/false));
  } else if (manage.ok() && has_failure) {
    deployutil::RemoveCondition(status, "ReplicaFailure");
  }
  // kube omits zero-valued counts other than replicas; keep the object minimal the same way.
  for (const char* k : {"fullyLabeledReplicas", "readyReplicas", "availableReplicas"}) {
    if (status[k].as_int64() == 0) status.erase(k);
  }
  if (status != old_status) {
    Status st = WriteStatus(*rs, status);
    if (!st.ok() && manage.ok()) return st;
  }
  if (manage.ok() && min_ready > 0 && next_available != std::chrono::nanoseconds::max()) {
    queue_.AddAfter(key, std::max<std::chrono::nanoseconds>(next_available,
                                                            std::chrono::milliseconds(1)));
  }
  return manage;
}

Status ReplicaSetController::ManageReplicas(const std::vector<controller::ObjectPtr>& pods,
                                            const json::object& rs, const std::string& key) {
  int64_t want = GetInt(rs, {"spec", "replicas"}, 1);
  int64_t diff = static_cast<int64_t>(pods.size()) - want;
  std::string name = GetString(rs, {"metadata", "name"});
  std::string ns = GetString(rs, {"metadata", "namespace"});
  client::ObjectRef ref = client::RefTo(rs);
  if (diff < 0) {
    int remaining = static_cast<int>(std::min<int64_t>(-diff, kBurstReplicas));
    expectations_.ExpectCreations(key, remaining);
    const json::value* tmpl = GetPath(rs, {"spec", "template"});
    json::object tmpl_obj = tmpl && tmpl->is_object() ? tmpl->as_object() : json::object{};
    std::string collection = CollectionPath("/api/v1", ns, "pods");
    Status first_error;
    int batch = 1;
    while (remaining > 0) {
      int n = std::min(batch, remaining);
      int failed = 0;
      for (int i = 0; i < n; i++) {
        auto created = ctx_.client->Create(collection, PodFromTemplate(tmpl_obj, rs, name + "-"));
        if (created.ok() && created->is_object()) {
          ctx_.recorder->Record(ref, "Normal", "SuccessfulCreate",
                                "Created pod: " + GetString(*created, {"metadata", "name"}));
          continue;
        }
        failed++;
        expectations_.CreationObserved(key);
        Status err = created.ok() ? Status(Reason::kInternalError, "unexpected create response")
                                  : created.status();
        if (first_error.ok()) first_error = err;
        // Pods refused because the namespace is going away are not worth a warning.
        if (err.message().find("being terminated") == std::string::npos) {
          ctx_.recorder->Record(ref, "Warning", "FailedCreate", "Error creating: " + err.message());
        }
      }
      remaining -= n;
      if (failed > 0) {
        // Skip the rest: they would very likely fail the same way.
        for (int i = 0; i < remaining; i++) expectations_.CreationObserved(key);
        return first_error;
      }
      batch *= 2;
    }
    return Status::Ok();
  }
  if (diff > 0) {
    size_t n = static_cast<size_t>(std::min<int64_t>(diff, kBurstReplicas));
    std::vector<controller::ObjectPtr> victims = deployutil::PodsToDelete(pods, n);
    std::vector<std::string> uids;
    for (const auto& p : victims) uids.push_back(GetString(*p, {"metadata", "uid"}));
    expectations_.ExpectDeletions(key, uids);
    Status first_error;
    for (const auto& p : victims) {
      std::string pod_name = GetString(*p, {"metadata", "name"});
      Status st = ctx_.client->Delete(PodPath(*p));
      if (st.ok()) {
        ctx_.recorder->Record(ref, "Normal", "SuccessfulDelete", "Deleted pod: " + pod_name);
        continue;
      }
      expectations_.DeletionObserved(key, GetString(*p, {"metadata", "uid"}));
      if (st.reason() == Reason::kNotFound) continue;  // already gone
      ctx_.recorder->Record(ref, "Warning", "FailedDelete", "Error deleting: " + st.message());
      if (first_error.ok()) first_error = st;
    }
    return first_error;
  }
  return Status::Ok();
}

Status ReplicaSetController::WriteStatus(const json::object& rs, const json::object& status) {
  auto r = ctx_.client->Patch(ObjPath(rs) + "/status",
                              deployutil::StatusMergePatch(deployutil::StatusOf(rs), status),
                              client::PatchType::kMerge);
  if (!r.ok() && r.status().reason() == Reason::kNotFound) return Status::Ok();
  return r.ok() ? Status::Ok() : r.status();
}

}  // namespace berth::controllers
