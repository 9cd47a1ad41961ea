#include "controllers/daemonset/daemon_plan.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <map>

#include "controllers/common/controller_revision.h"
#include "controllers/common/owner_refs.h"
#include "controllers/common/pod_state.h"
#include "controllers/daemonset/daemon_pod.h"
#include "controllers/daemonset/node_eligibility.h"

namespace berth::controllers::daemon {

namespace {

bool IsFailed(const json::object& pod) { return GetString(pod, {"status", "phase"}) == "Failed"; }

bool IsUpdated(const json::object& pod, const std::string& hash) {
  const json::value* v = LabelsOf(pod).if_contains(kControllerRevisionHashLabel);
  return v && v->is_string() && v->as_string() == hash;
}

// Oldest first (creationTimestamp, then name).
void SortOldestFirst(std::vector<controller::ObjectPtr>& pods) {
  std::sort(pods.begin(), pods.end(), [](const auto& a, const auto& b) {
    std::string ta = GetString(*a, {"metadata", "creationTimestamp"});
    std::string tb = GetString(*b, {"metadata", "creationTimestamp"});
    if (ta != tb) return ta < tb;
    return GetString(*a, {"metadata", "name"}) < GetString(*b, {"metadata", "name"});
  });
}

}  // namespace

int64_t MaxUnavailable(const json::object& ds, int64_t desired) {
  const json::value* v = GetPath(ds, {"spec", "updateStrategy", "rollingUpdate", "maxUnavailable"});
  int64_t n = 1;
  if (v && v->is_int64()) {
    n = v->as_int64();
  } else if (v && v->is_uint64()) {
    n = static_cast<int64_t>(v->as_uint64());
  } else if (v && v->is_string()) {
    std::string s(v->as_string());
    if (!s.empty() && s.back() == '%') {
      double pct = std::atof(s.substr(0, s.size() - 1).c_str());
      n = static_cast<int64_t>(std::ceil(pct * static_cast<double>(desired) / 100.0));
    } else {
      n = std::atoll(s.c_str());
    }
  }
  return std::max<int64_t>(n, 1);
}

Plan PlanDaemonSet(const json::object& ds, const std::vector<controller::ObjectPtr>& nodes,
                   const std::vector<controller::ObjectPtr>& pods, const std::string& hash,
                   bool rolling, Clock::time_point now) {
  Plan plan;
  json::object tmpl;
  if (const json::value* t = GetPath(ds, {"spec", "template"}); t && t->is_object()) {
    tmpl = t->as_object();
  }
  const json::object pod_spec = DaemonPodSpec(tmpl);
  const int min_ready = static_cast<int>(GetInt(ds, {"spec", "minReadySeconds"}));

  // Live (not terminating) pods by the node they are on or pinned to.
  std::map<std::string, std::vector<controller::ObjectPtr>> by_node;
  for (const auto& p : pods) {
    if (IsBeingDeleted(*p)) continue;
    by_node[TargetNodeOf(*p)].push_back(p);
  }
  for (auto& [node, list] : by_node) SortOldestFirst(list);

  int64_t desired = 0, current = 0, misscheduled = 0, ready = 0, available = 0, updated = 0;
  struct UpdateSlot {
    controller::ObjectPtr pod;  // the single running pod, or null when missing/duplicated
    bool busy = false;          // being created or cleaned up by this sync
  };
  std::vector<UpdateSlot> slots;
  for (const auto& node_ptr : nodes) {
    const json::object& node = *node_ptr;
    std::string name = GetString(node, {"metadata", "name"});
    Placement place = NodeShouldRunDaemonPod(node, pod_spec);
    std::vector<controller::ObjectPtr> here;
    if (auto it = by_node.find(name); it != by_node.end()) {
      here = std::move(it->second);
      by_node.erase(it);
    }
    // Status, judged on the oldest pod of the node as kube does.
    if (place.should_run) {
      desired++;
      if (!here.empty()) {
        current++;
        const json::object& p = *here.front();
        if (IsPodReady(p)) {
          ready++;
          if (IsPodAvailable(p, min_ready, now)) {
            available++;
          } else {
            Clock::time_point since;
            PodReadySince(p, &since);
            plan.recheck_after = std::min<std::chrono::nanoseconds>(
                plan.recheck_after, since + std::chrono::seconds(min_ready) - now);
          }
        }
        if (IsUpdated(p, hash)) updated++;
      }
    } else if (!here.empty()) {
      misscheduled++;
    }

    // Management.
    bool busy = false;
    std::vector<controller::ObjectPtr> running;
    if (place.should_continue_running) {
      for (const auto& p : here) {
        if (IsFailed(*p)) {
          plan.delete_pods.push_back(p);
          plan.failed_pods.push_back(p);
          busy = true;
        } else {
          running.push_back(p);
        }
      }
      if (running.empty() && place.should_run) {
        plan.create_on.push_back(name);
        busy = true;
      }
      // Keep the oldest pod, drop duplicates.
      for (size_t i = 1; i < running.size(); i++) {
        plan.delete_pods.push_back(running[i]);
        busy = true;
      }
    } else {
      for (const auto& p : here) plan.delete_pods.push_back(p);
    }
    if (place.should_run) {
      slots.push_back(UpdateSlot{running.size() == 1 ? running.front() : nullptr, busy});
    }
  }
  // Pods pinned to nodes that do not exist never schedule: remove them. Bound pods on vanished
  // nodes are left to pod garbage collection.
  for (auto& [node, list] : by_node) {
    for (const auto& p : list) {
      if (GetString(*p, {"spec", "nodeName"}).empty()) plan.delete_pods.push_back(p);
    }
  }

  if (rolling) {
    int64_t max_unavailable = MaxUnavailable(ds, desired);
    int64_t unavailable = 0;
    std::vector<controller::ObjectPtr> candidates;
    for (const auto& slot : slots) {
      if (slot.busy || !slot.pod) {
        unavailable++;
        continue;
      }
      bool is_available = IsPodAvailable(*slot.pod, min_ready, now);
      if (IsUpdated(*slot.pod, hash)) {
        if (!is_available) unavailable++;
      } else if (!is_available) {
        plan.update_deletes.push_back(slot.pod);  // already down: replace it right away
      } else {
        candidates.push_back(slot.pod);
      }
    }
    int64_t budget = std::max<int64_t>(max_unavailable - unavailable, 0);
    for (size_t i = 0; i < candidates.size() && static_cast<int64_t>(i) < budget; i++) {
      plan.update_deletes.push_back(candidates[i]);
    }
  }

  plan.counts =
      json::object{{"desiredNumberScheduled", desired},  {"currentNumberScheduled", current},
                   {"numberMisscheduled", misscheduled}, {"numberReady", ready},
                   {"numberAvailable", available},       {"numberUnavailable", desired - available},
                   {"updatedNumberScheduled", updated}};
  return plan;
}

}  // namespace berth::controllers::daemon
