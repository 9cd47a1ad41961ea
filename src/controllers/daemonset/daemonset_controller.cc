#include "controllers/daemonset/daemonset_controller.h"

#include <algorithm>
#include <set>

#include "controllers/common/controller_revision.h"
#include "controllers/common/owner_refs.h"
#include "controllers/common/pod_state.h"
#include "controllers/daemonset/daemon_plan.h"
#include "controllers/daemonset/daemon_pod.h"

namespace berth::controllers {

namespace {

constexpr const char* kDsPath = "/apis/apps/v1/daemonsets";
constexpr const char* kPodPath = "/api/v1/pods";
constexpr const char* kNodePath = "/api/v1/nodes";

std::string DsPath(const json::object& ds) {
  return ObjectPath("/apis/apps/v1", GetString(ds, {"metadata", "namespace"}), "daemonsets",
                    GetString(ds, {"metadata", "name"}));
}

json::value ReadyStatusOf(const json::object& node) {
  const json::value* conds = GetPath(node, {"status", "conditions"});
  if (!conds || !conds->is_array()) return nullptr;
  for (const auto& c : conds->as_array()) {
    if (c.is_object() && GetString(c.as_object(), {"type"}) == "Ready") {
      return json::value(GetString(c.as_object(), {"status"}));
    }
  }
  return nullptr;
}

// What of a node decides where daemon pods run.
bool PlacementInputsChanged(const json::object& a, const json::object& b) {
  auto at = [](const json::object& o, std::initializer_list<std::string_view> path) {
    const json::value* v = GetPath(o, path);
    return v ? *v : json::value(nullptr);
  };
  return LabelsOf(a) != LabelsOf(b) || at(a, {"spec", "taints"}) != at(b, {"spec", "taints"}) ||
         at(a, {"spec", "unschedulable"}) != at(b, {"spec", "unschedulable"}) ||
         ReadyStatusOf(a) != ReadyStatusOf(b);
}

}  // namespace

DaemonSetController::DaemonSetController(const controller::Context& ctx)
    : QueueController(ctx),
      ds_informer_(ctx.informers->For(kDsPath)),
      pod_informer_(ctx.informers->For(kPodPath)),
      node_informer_(ctx.informers->For(kNodePath)),
      rev_informer_(ctx.informers->For(kControllerRevisionsPath)),
      expectations_(ctx.clock) {
  ds_informer_->AddHandler(EnqueueOnEvents(
      [this](const controller::ObjectPtr& o) { expectations_.Forget(controller::KeyOf(*o)); }));
  pod_informer_->AddHandler(controller::EventHandler{
      [this](const controller::ObjectPtr& p) { OnPodAdd(p); },
      [this](const controller::ObjectPtr& o, const controller::ObjectPtr& p) { OnPodUpdate(o, p); },
      [this](const controller::ObjectPtr& p) { OnPodDelete(p); }});
  node_informer_->AddHandler(
      controller::EventHandler{[this](const controller::ObjectPtr&) { EnqueueAll(); },
                               [this](const controller::ObjectPtr& o,
                                      const controller::ObjectPtr& n) { OnNodeUpdate(o, n); },
                               [this](const controller::ObjectPtr&) { EnqueueAll(); }});
}

std::string DaemonSetController::OwnerKey(const json::object& pod) const {
  return ControllerKeyIn(pod, "DaemonSet", *ds_informer_);
}

void DaemonSetController::EnqueueMatching(const json::object& pod) {
  for (const auto& owner : SelectingOwners(pod, *ds_informer_)) Enqueue(*owner);
}

void DaemonSetController::EnqueueAll() {
  for (const auto& ds : ds_informer_->List()) Enqueue(*ds);
}

void DaemonSetController::OnPodAdd(const controller::ObjectPtr& pod) {
  if (ControllerRefOf(*pod)) {
    std::string key = OwnerKey(*pod);
    if (key.empty()) return;
    expectations_.CreationObserved(key);
    queue_.Add(key);
    return;
  }
  if (!IsBeingDeleted(*pod)) EnqueueMatching(*pod);
}

void DaemonSetController::OnPodUpdate(const controller::ObjectPtr& old_pod,
                                      const controller::ObjectPtr& pod) {
  if (GetString(*old_pod, {"metadata", "resourceVersion"}) ==
      GetString(*pod, {"metadata", "resourceVersion"})) {
    return;
  }
  std::string old_key = OwnerKey(*old_pod);
  std::string key = OwnerKey(*pod);
  if (!old_key.empty() && old_key != key) queue_.Add(old_key);
  if (!key.empty()) {
    if (IsBeingDeleted(*pod) && !IsBeingDeleted(*old_pod)) {
      expectations_.DeletionObserved(key, GetString(*pod, {"metadata", "uid"}));
    }
    queue_.Add(key);
    controller::ObjectPtr ds = ds_informer_->GetByKey(key);
    int64_t min_ready = ds ? GetInt(*ds, {"spec", "minReadySeconds"}) : 0;
    if (min_ready > 0 && !IsPodReady(*old_pod) && IsPodReady(*pod)) {
      queue_.AddAfter(key, std::chrono::seconds(min_ready));
    }
    return;
  }
  if (!ControllerRefOf(*pod) && LabelsOf(*old_pod) != LabelsOf(*pod)) EnqueueMatching(*pod);
}

void DaemonSetController::OnPodDelete(const controller::ObjectPtr& pod) {
  std::string key = OwnerKey(*pod);
  if (key.empty()) return;
  expectations_.DeletionObserved(key, GetString(*pod, {"metadata", "uid"}));
  queue_.Add(key);
}

void DaemonSetController::OnNodeUpdate(const controller::ObjectPtr& old_node,
                                       const controller::ObjectPtr& node) {
  if (PlacementInputsChanged(*old_node, *node)) EnqueueAll();
}

Status DaemonSetController::Sync(const std::string& key) {
  std::string ns, name;
  controller::SplitKey(key, &ns, &name);
  controller::ObjectPtr cached = ds_informer_->Get(ns, name);
  if (!cached) {
    expectations_.Forget(key);
    return Status::Ok();
  }
  json::object ds = *cached;
  if (GetString(ds, {"kind"}).empty()) ds["kind"] = "DaemonSet";
  if (GetString(ds, {"apiVersion"}).empty()) ds["apiVersion"] = "apps/v1";
  if (IsBeingDeleted(ds)) return Status::Ok();
  const json::value* sel_json = GetPath(ds, {"spec", "selector"});
  auto selector = api::selector::FromLabelSelectorJson(sel_json ? *sel_json : json::value());
  if (!selector.ok() || selector->Empty()) return Status::Ok();  // validation refuses these

  // The current revision.
  std::vector<controller::ObjectPtr> revisions =
      ListOwnedRevisions(ctx_.client, rev_informer_, ds, *selector);
  int64_t collisions = GetInt(ds, {"status", "collisionCount"});
  auto current = EnsureCurrentRevision(ctx_.client, ds, revisions, &collisions);
  if (!current.ok()) return current.status();
  std::string hash = GetString(*current, {"metadata", "labels", kControllerRevisionHashLabel});

  std::vector<controller::ObjectPtr> pods =
      ClaimObjects(ctx_.client, ds, *selector, pod_informer_->List(ns), PodPath);
  const bool rolling =
      GetString(ds, {"spec", "updateStrategy", "type"}, "RollingUpdate") == "RollingUpdate";
  Clock::time_point now = ctx_.clock->Now();
  daemon::Plan plan = daemon::PlanDaemonSet(ds, node_informer_->List(), pods, hash, rolling, now);

  Status first_error;
  if (expectations_.Satisfied(key)) {
    std::vector<controller::ObjectPtr> deletes = plan.delete_pods;
    deletes.insert(deletes.end(), plan.update_deletes.begin(), plan.update_deletes.end());
    std::set<std::string> delete_uids;
    for (const auto& p : deletes) delete_uids.insert(GetString(*p, {"metadata", "uid"}));
    expectations_.Expect(key, static_cast<int>(plan.create_on.size()), delete_uids);
    client::ObjectRef ref = client::RefTo(ds);

    json::object tmpl;
    if (const json::value* t = GetPath(ds, {"spec", "template"}); t && t->is_object()) {
      tmpl = t->as_object();
    }
    std::string collection = CollectionPath("/api/v1", ns, "pods");
    for (const std::string& node : plan.create_on) {
      auto created = ctx_.client->Create(collection, daemon::NewDaemonPod(tmpl, ds, node, hash));
      if (created.ok() && created->is_object()) {
        ctx_.recorder->Record(ref, "Normal", "SuccessfulCreate",
                              "Created pod: " + GetString(*created, {"metadata", "name"}));
        continue;
      }
      expectations_.CreationObserved(key);
      Status err = created.ok() ? Status(Reason::kInternalError, "unexpected create response")
                                : created.status();
      ctx_.recorder->Record(ref, "Warning", "FailedCreate", "Error creating: " + err.message());
      if (first_error.ok()) first_error = err;
    }
    for (const auto& p : plan.failed_pods) {
      ctx_.recorder->Record(ref, "Warning", "FailedDaemonPod",
                            "Found failed daemon pod " + ns + "/" +
                                GetString(*p, {"metadata", "name"}) + " on node " +
                                GetString(*p, {"spec", "nodeName"}) + ", will try to kill it");
    }
    for (const auto& p : deletes) {
      std::string pod_name = GetString(*p, {"metadata", "name"});
      Status st = ctx_.client->Delete(PodPath(*p));
      if (st.ok()) {
        ctx_.recorder->Record(ref, "Normal", "SuccessfulDelete", "Deleted pod: " + pod_name);
        continue;
      }
      expectations_.DeletionObserved(key, GetString(*p, {"metadata", "uid"}));
      if (st.reason() == Reason::kNotFound) continue;
      ctx_.recorder->Record(ref, "Warning", "FailedDelete", "Error deleting: " + st.message());
      if (first_error.ok()) first_error = st;
    }
  }

  // Status.
  json::object old_status;
  if (const json::value* s = ds.if_contains("status"); s && s->is_object()) {
    old_status = s->as_object();
  }
  json::object status = old_status;
  for (const auto& kv : plan.counts) status[kv.key()] = kv.value();
  status["observedGeneration"] = GetInt(ds, {"metadata", "generation"}, 1);
  if (collisions > 0) status["collisionCount"] = collisions;
  if (status != old_status) {
    Status st = WriteStatus(ds, status);
    if (!st.ok() && first_error.ok()) first_error = st;
  }

  // History: keep revisions some pod still runs, plus the current one.
  std::set<std::string> live{GetString(*current, {"metadata", "name"})};
  for (const auto& p : pods) {
    std::string h = GetString(*p, {"metadata", "labels", kControllerRevisionHashLabel});
    if (!h.empty()) live.insert(name + "-" + h);
  }
  std::vector<controller::ObjectPtr> history;
  for (const auto& r : revisions) {
    if (GetString(*r, {"metadata", "name"}) != GetString(*current, {"metadata", "name"})) {
      history.push_back(r);
    }
  }
  Status trimmed = TruncateRevisionHistory(ctx_.client, history, live,
                                           GetInt(ds, {"spec", "revisionHistoryLimit"}, 10));
  if (!trimmed.ok() && first_error.ok()) first_error = trimmed;

  if (first_error.ok() && plan.recheck_after != std::chrono::nanoseconds::max()) {
    queue_.AddAfter(
        key, std::max<std::chrono::nanoseconds>(plan.recheck_after, std::chrono::milliseconds(1)));
  }
  return first_error;
}

Status DaemonSetController::WriteStatus(const json::object& ds, const json::object& status) {
  auto r = ctx_.client->Patch(DsPath(ds) + "/status", json::object{{"status", status}},
                              client::PatchType::kMerge);
  if (!r.ok() && r.status().reason() == Reason::kNotFound) return Status::Ok();
  return r.ok() ? Status::Ok() : r.status();
}

}  // namespace berth::controllers
