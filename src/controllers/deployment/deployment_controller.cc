#include "controllers/deployment/deployment_controller.h"

#include <algorithm>

#include "controllers/common/owner_refs.h"
#include "controllers/common/pod_state.h"
#include "controllers/deployment/conditions.h"
#include "controllers/deployment/revision.h"
#include "controllers/deployment/rolling.h"
#include "controllers/deployment/status_patch.h"
#include "controllers/deployment/template_hash.h"

namespace berth::controllers {

using deployutil::AnnotationOf;
using deployutil::ComputeTemplateHash;
using deployutil::EqualIgnoreHash;
using deployutil::GetCondition;
using deployutil::HasProgressDeadline;
using deployutil::MaxSurge;
using deployutil::NewCondition;
using deployutil::NewRSNewReplicas;
using deployutil::RevisionOf;
using deployutil::RsPtr;
using deployutil::SetAnnotation;
using deployutil::SetCondition;
using deployutil::SetNewReplicaSetAnnotations;
using deployutil::SetReplicasAnnotations;
using deployutil::SortByCreation;
using deployutil::SpecReplicas;
using deployutil::StatusMergePatch;
using deployutil::StatusOf;
using deployutil::kDesiredReplicasAnnotation;
using deployutil::kMaxReplicasAnnotation;
using deployutil::kPodTemplateHashLabel;
using deployutil::kRevisionAnnotation;

namespace {

std::string RsPath(const json::object& rs) {
  return ObjectPath("/apis/apps/v1", GetString(rs, {"metadata", "namespace"}), "replicasets",
                    GetString(rs, {"metadata", "name"}));
}

std::string DeploymentPath(const json::object& d) {
  return ObjectPath("/apis/apps/v1", GetString(d, {"metadata", "namespace"}), "deployments",
                    GetString(d, {"metadata", "name"}));
}

void FillKind(json::object& obj, const char* api_version, const char* kind) {
  if (GetString(obj, {"kind"}).empty()) obj["kind"] = kind;
  if (GetString(obj, {"apiVersion"}).empty()) obj["apiVersion"] = api_version;
}

const json::value& TemplateOf(const json::object& obj) {
  static const json::value kNull;
  const json::value* t = GetPath(obj, {"spec", "template"});
  return t ? *t : kNull;
}

}  // namespace

DeploymentController::DeploymentController(const controller::Context& ctx)
    : QueueController(ctx),
      d_informer_(ctx.informers->For("/apis/apps/v1/deployments")),
      rs_informer_(ctx.informers->For("/apis/apps/v1/replicasets")),
      pod_informer_(ctx.informers->For("/api/v1/pods")) {
  d_informer_->AddHandler(EnqueueOnEvents());
  rs_informer_->AddHandler(controller::EventHandler{
      [this](const controller::ObjectPtr& o) { OnRs(nullptr, o); },
      [this](const controller::ObjectPtr& old, const controller::ObjectPtr& o) { OnRs(old, o); },
      [this](const controller::ObjectPtr& o) { OnRsDelete(o); }});
  pod_informer_->AddHandler(controller::EventHandler{
      nullptr, nullptr, [this](const controller::ObjectPtr& p) { OnPodDelete(p); }});
}

std::string DeploymentController::DeploymentKeyOf(const json::object& obj) const {
  return ControllerKeyIn(obj, "Deployment", *d_informer_);
}

void DeploymentController::EnqueueMatching(const json::object& rs) {
  for (const auto& owner : SelectingOwners(rs, *d_informer_)) Enqueue(*owner);
}

void DeploymentController::OnRs(const controller::ObjectPtr& old_rs,
                                const controller::ObjectPtr& rs) {
  if (old_rs) {
    const json::object* old_ref = ControllerRefOf(*old_rs);
    const json::object* ref = ControllerRefOf(*rs);
    bool ref_changed = (old_ref == nullptr) != (ref == nullptr) ||
                       (old_ref && ref && GetString(*old_ref, {"uid"}) != GetString(*ref, {"uid"}));
    if (ref_changed && old_ref) {
      std::string k = DeploymentKeyOf(*old_rs);
      if (!k.empty()) queue_.Add(k);
    }
    if (!ref && (ref_changed || LabelsOf(*old_rs) != LabelsOf(*rs))) {
      EnqueueMatching(*rs);
      return;
    }
  }
  if (ControllerRefOf(*rs)) {
    std::string k = DeploymentKeyOf(*rs);
    if (!k.empty()) queue_.Add(k);
    return;
  }
  if (!old_rs) EnqueueMatching(*rs);
}

void DeploymentController::OnRsDelete(const controller::ObjectPtr& rs) {
  std::string k = DeploymentKeyOf(*rs);
  if (!k.empty()) queue_.Add(k);
}

void DeploymentController::OnPodDelete(const controller::ObjectPtr& pod) {
  // Only Recreate waits for pods to be gone.
  const json::object* ref = ControllerRefOf(*pod);
  if (!ref || GetString(*ref, {"kind"}) != "ReplicaSet") return;
  controller::ObjectPtr rs =
      rs_informer_->Get(GetString(*pod, {"metadata", "namespace"}), GetString(*ref, {"name"}));
  if (!rs) return;
  std::string k = DeploymentKeyOf(*rs);
  if (k.empty()) return;
  controller::ObjectPtr d = d_informer_->GetByKey(k);
  if (d && GetString(*d, {"spec", "strategy", "type"}) == "Recreate") queue_.Add(k);
}

client::ObjectRef DeploymentController::Ref(const State& s) const { return client::RefTo(s.d); }

Status DeploymentController::Sync(const std::string& key) {
  std::string ns, name;
  controller::SplitKey(key, &ns, &name);
  controller::ObjectPtr cached = d_informer_->Get(ns, name);
  if (!cached) return Status::Ok();
  State s;
  s.key = key;
  s.d = *cached;
  FillKind(s.d, "apps/v1", "Deployment");

  const json::value* sel_json = GetPath(s.d, {"spec", "selector"});
  auto selector = api::selector::FromLabelSelectorJson(sel_json ? *sel_json : json::value());
  if (!selector.ok()) return Status::Ok();
  if (selector->Empty()) {
    ctx_.recorder->Record(Ref(s), "Warning", "SelectingAll",
                          "This deployment is selecting all pods. A non-empty selector is "
                          "required.");
    json::object st = StatusOf(s.d);
    int64_t gen = GetInt(s.d, {"metadata", "generation"}, 1);
    if (GetInt(st, {"observedGeneration"}) < gen) {
      st["observedGeneration"] = gen;
      return WriteStatus(s, st);
    }
    return Status::Ok();
  }

  std::vector<controller::ObjectPtr> claimed = ClaimObjects(
      ctx_.client, s.d, *selector, rs_informer_->List(ns),
      [](const json::object& rs) { return RsPath(rs); });
  for (const auto& rs : claimed) {
    auto copy = std::make_shared<json::object>(*rs);
    FillKind(*copy, "apps/v1", "ReplicaSet");
    s.rs_list.push_back(std::move(copy));
  }

  if (IsBeingDeleted(s.d)) {
    Status st = GetAllReplicaSetsAndSyncRevision(s, false);
    if (!st.ok()) return st;
    return SyncDeploymentStatus(s);
  }
  Status st = CheckPausedConditions(s);
  if (!st.ok()) return st;
  if (GetPath(s.d, {"spec", "paused"}) && GetPath(s.d, {"spec", "paused"})->is_bool() &&
      GetPath(s.d, {"spec", "paused"})->as_bool()) {
    st = GetAllReplicaSetsAndSyncRevision(s, false);
    if (!st.ok()) return st;
    return SyncScaleOnly(s);
  }
  st = GetAllReplicaSetsAndSyncRevision(s, false);
  if (!st.ok()) return st;
  if (IsScalingEvent(s)) return SyncScaleOnly(s);
  if (GetString(s.d, {"spec", "strategy", "type"}) == "Recreate") return RolloutRecreate(s);
  return RolloutRolling(s);
}

Status DeploymentController::GetAllReplicaSetsAndSyncRevision(State& s, bool create) {
  SortByCreation(s.rs_list);
  s.new_rs = nullptr;
  s.old_rs.clear();
  const json::value& tmpl = TemplateOf(s.d);
  for (const auto& rs : s.rs_list) {
    if (!s.new_rs && EqualIgnoreHash(TemplateOf(*rs), tmpl)) {
      s.new_rs = rs;
    } else {
      s.old_rs.push_back(rs);
    }
  }
  return GetNewReplicaSet(s, create);
}

Status DeploymentController::GetNewReplicaSet(State& s, bool create) {
  int64_t max_old = 0;
  for (const auto& rs : s.old_rs) max_old = std::max(max_old, RevisionOf(*rs));
  const int64_t new_revision = max_old + 1;
  const int64_t min_ready = GetInt(s.d, {"spec", "minReadySeconds"});
  json::object status = StatusOf(s.d);
  Clock::time_point now = ctx_.clock->Now();

  if (s.new_rs) {
    json::object copy = *s.new_rs;
    bool annotations_changed =
        SetNewReplicaSetAnnotations(s.d, copy, new_revision, /*exists=*/true, MaxSurge(s.d));
    bool min_ready_changed = GetInt(copy, {"spec", "minReadySeconds"}) != min_ready;
    if (annotations_changed || min_ready_changed) {
      json::object patch{
          {"metadata",
           json::object{{"annotations", *GetPath(copy, {"metadata", "annotations"})},
                        {"resourceVersion", GetString(copy, {"metadata", "resourceVersion"})}}},
          {"spec", json::object{{"minReadySeconds", min_ready}}}};
      Status st = PatchReplicaSet(s.new_rs, patch);
      if (!st.ok()) return st;
    }
    // The Deployment carries the revision of its newest ReplicaSet.
    std::string rev = AnnotationOf(*s.new_rs, kRevisionAnnotation);
    if (!rev.empty() && AnnotationOf(s.d, kRevisionAnnotation) != rev) {
      json::object patch{
          {"metadata", json::object{{"annotations", json::object{{kRevisionAnnotation, rev}}}}}};
      auto r = ctx_.client->Patch(DeploymentPath(s.d), patch, client::PatchType::kMerge);
      if (!r.ok()) return r.status();
      SetAnnotation(s.d, kRevisionAnnotation, rev);
    }
    if (HasProgressDeadline(s.d) && !GetCondition(status, "Progressing")) {
      SetCondition(status, NewCondition("Progressing", "True", "FoundNewReplicaSet",
                                        "Found new replica set \"" +
                                            GetString(*s.new_rs, {"metadata", "name"}) + "\"",
                                        now));
      return WriteStatus(s, status);
    }
    return Status::Ok();
  }
  if (!create) return Status::Ok();

  // A new ReplicaSet for the current template.
  json::value tmpl = TemplateOf(s.d);
  if (!tmpl.is_object()) tmpl = json::object{};
  std::optional<int64_t> collision;
  if (const json::value* cc = GetPath(s.d, {"status", "collisionCount"}); cc && !cc->is_null()) {
    collision = GetInt(s.d, {"status", "collisionCount"});
  }
  std::string hash = ComputeTemplateHash(tmpl, collision);
  EnsureObject(tmpl, {"metadata", "labels"})[kPodTemplateHashLabel] = hash;
  json::value selector = *GetPath(s.d, {"spec", "selector"});
  EnsureObject(selector, {"matchLabels"})[kPodTemplateHashLabel] = hash;
  std::string ns = GetString(s.d, {"metadata", "namespace"});
  std::string rs_name = GetString(s.d, {"metadata", "name"}) + "-" + hash;
  auto rs = std::make_shared<json::object>(json::object{
      {"apiVersion", "apps/v1"},
      {"kind", "ReplicaSet"},
      {"metadata", json::object{{"name", rs_name},
                                {"namespace", ns},
                                {"labels", *GetPath(tmpl, {"metadata", "labels"})},
                                {"ownerReferences", json::array{MakeControllerRef(s.d)}}}},
      {"spec", json::object{{"replicas", 0},
                            {"minReadySeconds", min_ready},
                            {"selector", selector},
                            {"template", tmpl}}}});
  std::vector<RsPtr> all = s.old_rs;
  all.push_back(rs);
  int64_t replicas = NewRSNewReplicas(s.d, all, *rs);
  (*rs)["spec"].as_object()["replicas"] = replicas;
  SetNewReplicaSetAnnotations(s.d, *rs, new_revision, /*exists=*/false, MaxSurge(s.d));

  bool already_exists = false;
  auto created = ctx_.client->Create(CollectionPath("/apis/apps/v1", ns, "replicasets"), *rs);
  if (!created.ok() && created.status().reason() == Reason::kAlreadyExists) {
    auto existing = ctx_.client->Get(RsPath(*rs));
    if (existing.ok() && existing->is_object() &&
        IsControlledBy(existing->as_object(), GetString(s.d, {"metadata", "uid"})) &&
        EqualIgnoreHash(TemplateOf(existing->as_object()), TemplateOf(s.d))) {
      already_exists = true;
      created = std::move(existing);
    } else {
      // A foreign object holds the name: change the hash input and retry.
      status["collisionCount"] = collision.value_or(0) + 1;
      Status st = WriteStatus(s, status);
      if (!st.ok()) return st;
      return created.status();
    }
  }
  if (!created.ok()) {
    std::string msg = "Failed to create new replica set \"" + rs_name +
                      "\": " + created.status().message();
    if (HasProgressDeadline(s.d)) {
      SetCondition(status, NewCondition("Progressing", "False", "ReplicaSetCreateError", msg, now));
      (void)WriteStatus(s, status);
    }
    ctx_.recorder->Record(Ref(s), "Warning", "ReplicaSetCreateError", msg);
    return created.status();
  }
  *rs = created->as_object();
  FillKind(*rs, "apps/v1", "ReplicaSet");
  s.new_rs = rs;
  s.rs_list.push_back(rs);
  if (!already_exists && replicas > 0) {
    ctx_.recorder->Record(Ref(s), "Normal", "ScalingReplicaSet",
                          "Scaled up replica set " + rs_name + " from 0 to " +
                              std::to_string(replicas));
  }
  std::string rev = std::to_string(new_revision);
  if (AnnotationOf(s.d, kRevisionAnnotation) != rev) {
    json::object patch{
        {"metadata", json::object{{"annotations", json::object{{kRevisionAnnotation, rev}}}}}};
    auto r = ctx_.client->Patch(DeploymentPath(s.d), patch, client::PatchType::kMerge);
    if (!r.ok()) return r.status();
    SetAnnotation(s.d, kRevisionAnnotation, rev);
  }
  if (!already_exists && HasProgressDeadline(s.d)) {
    SetCondition(status, NewCondition("Progressing", "True", "NewReplicaSetCreated",
                                      "Created new replica set \"" + rs_name + "\"", now));
    return WriteStatus(s, status);
  }
  return Status::Ok();
}

Status DeploymentController::PatchReplicaSet(const RsPtr& rs, const json::object& patch) {
  auto r = ctx_.client->Patch(RsPath(*rs), patch, client::PatchType::kMerge);
  if (!r.ok()) return r.status();
  if (r->is_object()) {
    *rs = r->as_object();
    FillKind(*rs, "apps/v1", "ReplicaSet");
  }
  return Status::Ok();
}

Status DeploymentController::ScaleReplicaSet(State& s, const RsPtr& rs, int64_t replicas,
                                             bool* scaled) {
  if (scaled) *scaled = false;
  int64_t current = SpecReplicas(*rs);
  bool size_changed = current != replicas;
  json::object copy = *rs;
  int64_t desired = SpecReplicas(s.d);
  bool annotations_changed = SetReplicasAnnotations(copy, desired, desired + MaxSurge(s.d));
  if (!size_changed && !annotations_changed) return Status::Ok();
  json::object patch{
      {"metadata",
       json::object{{"annotations",
                     json::object{{kDesiredReplicasAnnotation, std::to_string(desired)},
                                  {kMaxReplicasAnnotation,
                                   std::to_string(desired + MaxSurge(s.d))}}},
                    {"resourceVersion", GetString(*rs, {"metadata", "resourceVersion"})}}},
      {"spec", json::object{{"replicas", replicas}}}};
  Status st = PatchReplicaSet(rs, patch);
  if (!st.ok()) return st;
  if (size_changed) {
    if (scaled) *scaled = true;
    ctx_.recorder->Record(Ref(s), "Normal", "ScalingReplicaSet",
                          std::string(replicas > current ? "Scaled up" : "Scaled down") +
                              " replica set " + GetString(*rs, {"metadata", "name"}) + " from " +
                              std::to_string(current) + " to " + std::to_string(replicas));
  }
  return Status::Ok();
}

Status DeploymentController::WriteStatus(State& s, const json::object& status) {
  json::object old = StatusOf(s.d);
  if (status == old) return Status::Ok();
  auto r = ctx_.client->Patch(DeploymentPath(s.d) + "/status", StatusMergePatch(old, status),
                              client::PatchType::kMerge);
  if (!r.ok()) return r.status();
  s.d["status"] = status;
  return Status::Ok();
}

}  // namespace berth::controllers
