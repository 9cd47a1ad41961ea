// StatefulSetController steps 3-5 (see statefulset_controller.h): creating, replacing, scaling
// down and rolling pods in ordinal order.
#include <algorithm>

#include "controllers/common/controller_revision.h"
#include "controllers/common/owner_refs.h"
#include "controllers/common/pod_state.h"
#include "controllers/statefulset/stateful_pod.h"
#include "controllers/statefulset/statefulset_controller.h"

namespace berth::controllers {

namespace {

std::string PodName(const json::object& pod) { return GetString(pod, {"metadata", "name"}); }

std::string SetKindAndName(const json::object& set) {
  return "StatefulSet " + GetString(set, {"metadata", "name"});
}

}  // namespace

Status StatefulSetController::CreatePod(const json::object& set, const json::object& pod,
                                        controller::ObjectPtr* created) {
  std::string ns = GetString(set, {"metadata", "namespace"});
  auto r = ctx_.client->Create(CollectionPath("/api/v1", ns, "pods"), pod);
  client::ObjectRef ref = client::RefTo(set);
  if (!r.ok() || !r->is_object()) {
    Status err = r.ok() ? Status(Reason::kInternalError, "unexpected create response") : r.status();
    ctx_.recorder->Record(ref, "Warning", "FailedCreate",
                          "create Pod " + PodName(pod) + " in " + SetKindAndName(set) +
                              " failed error: " + err.message());
    return err;
  }
  ctx_.recorder->Record(
      ref, "Normal", "SuccessfulCreate",
      "create Pod " + PodName(pod) + " in " + SetKindAndName(set) + " successful");
  *created = std::make_shared<const json::object>(std::move(r->as_object()));
  return Status::Ok();
}

Status StatefulSetController::DeletePod(const json::object& set, const json::object& pod) {
  json::object options{
      {"preconditions", json::object{{"uid", GetString(pod, {"metadata", "uid"})}}}};
  Status st = ctx_.client->Delete(PodPath(pod), options);
  client::ObjectRef ref = client::RefTo(set);
  if (!st.ok() && st.reason() != Reason::kNotFound) {
    ctx_.recorder->Record(ref, "Warning", "FailedDelete",
                          "delete Pod " + PodName(pod) + " in " + SetKindAndName(set) +
                              " failed error: " + st.message());
    return st;
  }
  ctx_.recorder->Record(
      ref, "Normal", "SuccessfulDelete",
      "delete Pod " + PodName(pod) + " in " + SetKindAndName(set) + " successful");
  return Status::Ok();
}

Status StatefulSetController::UpdatePods(const json::object& set, const Revisions& revs,
                                         std::vector<controller::ObjectPtr>& pods) {
  const std::string set_name = GetString(set, {"metadata", "name"});
  const int64_t replicas = std::max<int64_t>(GetInt(set, {"spec", "replicas"}, 1), 0);
  const int64_t start = std::max<int64_t>(GetInt(set, {"spec", "ordinals", "start"}), 0);
  const bool monotonic = GetString(set, {"spec", "podManagementPolicy"}) != "Parallel";
  const bool rolling =
      GetString(set, {"spec", "updateStrategy", "type"}, "RollingUpdate") == "RollingUpdate";
  const int64_t partition =
      rolling ? GetInt(set, {"spec", "updateStrategy", "rollingUpdate", "partition"}) : 0;
  const int min_ready = static_cast<int>(GetInt(set, {"spec", "minReadySeconds"}));
  const Clock::time_point now = ctx_.clock->Now();
  const std::string update_name = GetString(revs.update, {"metadata", "name"});
  const std::string current_name = GetString(revs.current, {"metadata", "name"});
  const json::object update_tmpl = TemplateOfRevision(revs.update);
  const json::object current_tmpl = TemplateOfRevision(revs.current);

  // Slots for the wanted ordinals; the rest are condemned (highest ordinal handled first).
  std::vector<controller::ObjectPtr> slots(static_cast<size_t>(replicas));
  std::vector<std::pair<int64_t, controller::ObjectPtr>> condemned;
  for (const auto& p : pods) {
    int64_t ord = *stateful::OrdinalOf(set_name, PodName(*p));
    if (ord >= start && ord < start + replicas) {
      slots[static_cast<size_t>(ord - start)] = p;
    } else {
      condemned.emplace_back(ord, p);
    }
  }
  std::sort(condemned.begin(), condemned.end(),
            [](const auto& a, const auto& b) { return a.first < b.first; });
  controller::ObjectPtr first_unhealthy;
  for (const auto& p : slots) {
    if (p && !first_unhealthy && !stateful::IsHealthy(*p)) first_unhealthy = p;
  }
  for (const auto& [ord, p] : condemned) {
    if (!first_unhealthy && !stateful::IsHealthy(*p)) first_unhealthy = p;
  }

  // Wanted ordinals, in order.
  for (int64_t i = 0; i < replicas; i++) {
    controller::ObjectPtr& pod = slots[static_cast<size_t>(i)];
    if (pod && stateful::IsFailedOrSucceeded(*pod) && !stateful::IsTerminating(*pod)) {
      Status st = DeletePod(set, *pod);  // replaced below under the same name
      if (!st.ok()) return st;
      pod = nullptr;
    }
    if (!pod) {
      bool use_current = rolling && current_name != update_name && i < partition;
      json::object want =
          stateful::NewStatefulPod(set, use_current ? current_tmpl : update_tmpl, start + i,
                                   use_current ? current_name : update_name);
      controller::ObjectPtr created;
      Status st = CreatePod(set, want, &created);
      if (!st.ok()) return st;
      pod = created;
      pods.push_back(created);
      if (monotonic) return Status::Ok();
      continue;
    }
    if (stateful::IsTerminating(*pod)) {
      if (monotonic) return Status::Ok();  // wait for the graceful deletion to finish
      continue;
    }
    if (monotonic && (!stateful::IsRunningAndReady(*pod) ||
                      !stateful::IsRunningAndAvailable(*pod, min_ready, now))) {
      return Status::Ok();  // wait: ordinals start only after their predecessors are ready
    }
  }

  // Surplus ordinals, highest first.
  for (auto it = condemned.rbegin(); it != condemned.rend(); ++it) {
    const controller::ObjectPtr& pod = it->second;
    if (stateful::IsTerminating(*pod)) {
      if (monotonic) return Status::Ok();
      continue;
    }
    if (monotonic && !stateful::IsRunningAndReady(*pod) && pod != first_unhealthy) {
      return Status::Ok();
    }
    Status st = DeletePod(set, *pod);
    if (!st.ok()) return st;
    if (monotonic) return Status::Ok();
  }

  if (!rolling) return Status::Ok();  // OnDelete: pods are replaced when someone deletes them
  // Rolling update: highest ordinal first, down to the partition, one pod at a time.
  for (int64_t i = replicas - 1; i >= partition && i >= 0; i--) {
    const controller::ObjectPtr& pod = slots[static_cast<size_t>(i)];
    if (!pod) return Status::Ok();
    if (stateful::PodRevision(*pod) != update_name && !stateful::IsTerminating(*pod)) {
      return DeletePod(set, *pod);
    }
    if (!stateful::IsHealthy(*pod)) return Status::Ok();
  }
  return Status::Ok();
}

}  // namespace berth::controllers
