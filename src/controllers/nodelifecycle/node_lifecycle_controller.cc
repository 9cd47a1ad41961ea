#include "controllers/nodelifecycle/node_lifecycle_controller.h"

#include <algorithm>

#include "controllers/common/owner_refs.h"
#include "controllers/common/pod_state.h"
#include "controllers/nodelifecycle/taints.h"

namespace berth::controllers {

namespace {

constexpr const char* kNodesPath = "/api/v1/nodes";
constexpr const char* kLeasesPath = "/apis/coordination.k8s.io/v1/leases";
constexpr const char* kPodsPath = "/api/v1/pods";
constexpr const char* kLeaseNamespace = "kube-node-lease";

std::string NodePath(const std::string& name) { return std::string(kNodesPath) + "/" + name; }

bool ParseTime(const json::object& obj, std::initializer_list<std::string_view> path,
               Clock::time_point* out) {
  std::string s = GetString(obj, path);
  return !s.empty() && ParseRfc3339(s, out);
}

const json::object* FindCondition(const json::array& conds, const std::string& type) {
  for (const auto& c : conds) {
    if (c.is_object() && GetString(c, {"type"}) == type) return &c.as_object();
  }
  return nullptr;
}

json::array ConditionsOf(const json::object& obj) {
  const json::value* c = GetPath(obj, {"status", "conditions"});
  return c && c->is_array() ? c->as_array() : json::array{};
}

// First non-OK status wins; NotFound (the object went away meanwhile) is not an error.
void Keep(Status* first, const Status& st) {
  if (st.ok() || st.reason() == Reason::kNotFound) return;
  if (first->ok()) *first = st;
}

}  // namespace

NodeLifecycleController::NodeLifecycleController(const controller::Context& ctx,
                                                 NodeLifecycleOptions opts)
    : QueueController(ctx),
      opts_(opts),
      nodes_(ctx.informers->For(kNodesPath)),
      leases_(ctx.informers->For(kLeasesPath)),
      pods_(ctx.informers->For(kPodsPath)) {
  nodes_->AddHandler(controller::EventHandler{
      [this](const controller::ObjectPtr& n) { Enqueue(*n); },
      [this](const controller::ObjectPtr&, const controller::ObjectPtr& n) { Enqueue(*n); },
      [this](const controller::ObjectPtr& n) { Enqueue(*n); }});
  // Lease renewals need no event: the periodic monitor reads the cache.
  pods_->AddHandler(controller::EventHandler{
      [this](const controller::ObjectPtr& p) { OnPod(nullptr, p); },
      [this](const controller::ObjectPtr& o, const controller::ObjectPtr& p) { OnPod(o, p); },
      [this](const controller::ObjectPtr& p) { OnPodDelete(p); }});
}

NodeLifecycleController::~NodeLifecycleController() { Stop(); }

void NodeLifecycleController::OnPod(const controller::ObjectPtr& old_pod,
                                    const controller::ObjectPtr& pod) {
  std::string key = controller::KeyOf(*pod);
  std::string node = GetString(*pod, {"spec", "nodeName"});
  std::string old_node = old_pod ? GetString(*old_pod, {"spec", "nodeName"}) : "";
  {
    std::lock_guard<std::mutex> l(mu_);
    if (!old_node.empty() && old_node != node) {
      auto it = pods_by_node_.find(old_node);
      if (it != pods_by_node_.end()) {
        it->second.erase(key);
        if (it->second.empty()) pods_by_node_.erase(it);
      }
    }
    if (!node.empty()) pods_by_node_[node].insert(key);
  }
  if (node.empty()) return;
  // Only pods on troubled nodes need the node looked at again.
  controller::ObjectPtr n = nodes_->Get("", node);
  if (!n) {
    queue_.Add(node);
    return;
  }
  std::string ready = NodeConditionStatus(*n, "Ready");
  if (ready == "False" || ready == "Unknown" || !NoExecuteTaints(*n).empty()) queue_.Add(node);
}

void NodeLifecycleController::OnPodDelete(const controller::ObjectPtr& pod) {
  std::string node = GetString(*pod, {"spec", "nodeName"});
  if (node.empty()) return;
  std::lock_guard<std::mutex> l(mu_);
  auto it = pods_by_node_.find(node);
  if (it == pods_by_node_.end()) return;
  it->second.erase(controller::KeyOf(*pod));
  if (it->second.empty()) pods_by_node_.erase(it);
}

std::set<std::string> NodeLifecycleController::PodsOn(const std::string& node) {
  std::lock_guard<std::mutex> l(mu_);
  auto it = pods_by_node_.find(node);
  return it == pods_by_node_.end() ? std::set<std::string>{} : it->second;
}

Status NodeLifecycleController::Sync(const std::string& key) {
  controller::ObjectPtr node = nodes_->Get("", key);
  if (!node) return SyncMissingNode(key);
  {
    std::lock_guard<std::mutex> l(mu_);
    missing_since_.erase(key);
  }
  Status first;
  std::chrono::nanoseconds next = opts_.monitor_period;
  Keep(&first, UpdateHealth(&node, &next));
  Keep(&first, UpdateTaints(&node));
  Keep(&first, ProcessPods(*node, &next));
  queue_.AddAfter(key, std::max<std::chrono::nanoseconds>(next, std::chrono::milliseconds(1)));
  return first;
}

Status NodeLifecycleController::UpdateHealth(controller::ObjectPtr* node,
                                             std::chrono::nanoseconds* next_check) {
  const json::object& n = **node;
  std::string name = GetString(n, {"metadata", "name"});
  Clock::time_point now = ctx_.clock->Now();
  Clock::time_point last = Clock::time_point::min();
  Clock::time_point t;
  if (controller::ObjectPtr lease = leases_->Get(kLeaseNamespace, name)) {
    if (ParseTime(*lease, {"spec", "renewTime"}, &t)) last = std::max(last, t);
  }
  json::array conds = ConditionsOf(n);
  const json::object* ready = FindCondition(conds, "Ready");
  if (ready && ParseTime(*ready, {"lastHeartbeatTime"}, &t)) last = std::max(last, t);
  if (last == Clock::time_point::min()) {
    if (!ParseTime(n, {"metadata", "creationTimestamp"}, &t)) return {};
    last = t;
  }
  if (now - last <= opts_.grace_period) {
    // Look again right when the heartbeat would go stale (sooner than the monitor period when
    // the grace period is short).
    auto stale_in = last + opts_.grace_period - now + std::chrono::milliseconds(1);
    *next_check = std::min<std::chrono::nanoseconds>(*next_check, stale_in);
    return {};
  }

  std::string now_s = FormatRfc3339(now);
  std::string ready_before = ready ? GetString(*ready, {"status"}) : "";
  bool changed = false;
  for (const char* type : {"Ready", "MemoryPressure", "DiskPressure", "PIDPressure"}) {
    bool found = false;
    for (auto& c : conds) {
      if (!c.is_object() || GetString(c, {"type"}) != type) continue;
      found = true;
      json::object& co = c.as_object();
      if (GetString(co, {"status"}) == "Unknown") break;
      co["status"] = "Unknown";
      co["reason"] = "NodeStatusUnknown";
      co["message"] = "Kubelet stopped posting node status.";
      co["lastTransitionTime"] = now_s;
      changed = true;
      break;
    }
    if (!found) {
      conds.push_back(
          json::object{{"type", type},
                       {"status", "Unknown"},
                       {"lastHeartbeatTime", GetString(n, {"metadata", "creationTimestamp"})},
                       {"lastTransitionTime", now_s},
                       {"reason", "NodeStatusNeverUpdated"},
                       {"message", "Kubelet never posted node status."}});
      changed = true;
    }
  }
  if (!changed) return {};
  json::object patch{{"metadata", json::object{{"resourceVersion",
                                                GetString(n, {"metadata", "resourceVersion"})}}},
                     {"status", json::object{{"conditions", std::move(conds)}}}};
  auto r = ctx_.client->Patch(NodePath(name) + "/status", patch);
  if (!r.ok()) return r.status();
  if (r->is_object()) *node = std::make_shared<const json::object>(r->as_object());
  if (ready_before != "Unknown" && ctx_.recorder) {
    ctx_.recorder->Record(client::RefTo(**node), "Normal", "NodeNotReady",
                          "Node " + name + " status is now: NodeNotReady");
  }
  return {};
}

Status NodeLifecycleController::UpdateTaints(controller::ObjectPtr* node) {
  const json::object& n = **node;
  auto taints = ReconcileTaints(n, ConditionTaints(n), FormatRfc3339(ctx_.clock->Now()));
  if (!taints) return {};
  json::value tv = taints->empty() ? json::value(nullptr) : json::value(std::move(*taints));
  json::object patch{{"metadata", json::object{{"resourceVersion",
                                                GetString(n, {"metadata", "resourceVersion"})}}},
                     {"spec", json::object{{"taints", std::move(tv)}}}};
  auto r = ctx_.client->Patch(NodePath(GetString(n, {"metadata", "name"})), patch);
  if (!r.ok()) return r.status();
  if (r->is_object()) *node = std::make_shared<const json::object>(r->as_object());
  return {};
}

Status NodeLifecycleController::ProcessPods(const json::object& node,
                                            std::chrono::nanoseconds* next_check) {
  std::string name = GetString(node, {"metadata", "name"});
  std::vector<json::object> noexec = NoExecuteTaints(node);
  std::string ready = NodeConditionStatus(node, "Ready");
  Clock::time_point now = ctx_.clock->Now();
  Clock::time_point observed = now;
  {
    std::lock_guard<std::mutex> l(mu_);
    if (noexec.empty()) {
      noexecute_seen_.erase(name);
    } else {
      observed = noexecute_seen_.emplace(name, now).first->second;
    }
  }
  Status first;
  for (const std::string& key : PodsOn(name)) {
    controller::ObjectPtr pod = pods_->GetByKey(key);
    if (!pod || GetString(*pod, {"spec", "nodeName"}) != name) continue;
    if (IsBeingDeleted(*pod)) {
      // The agent of a node that is not Ready cannot finish the deletion.
      if (!ready.empty() && ready != "True") Keep(&first, ForceDelete(*pod));
      continue;
    }
    if (!noexec.empty()) {
      Clock::time_point deadline;
      EvictionDecision d = DecideEviction(*pod, noexec, now, observed, &deadline);
      if (d == EvictionDecision::kEvictNow) {
        std::string ns = GetString(*pod, {"metadata", "namespace"});
        std::string pname = GetString(*pod, {"metadata", "name"});
        if (ctx_.recorder) {
          ctx_.recorder->Record(client::RefTo(*pod), "Normal", "TaintManagerEviction",
                                "Marking for deletion Pod " + ns + "/" + pname);
        }
        json::object opts{
            {"preconditions", json::object{{"uid", GetString(*pod, {"metadata", "uid"})}}}};
        Keep(&first, ctx_.client->Delete(PodPath(*pod), opts));
        continue;
      }
      if (d == EvictionDecision::kEvictAt) {
        *next_check = std::min<std::chrono::nanoseconds>(*next_check, deadline - now);
      }
    }
    if (ready == "Unknown" && IsPodReady(*pod)) {
      // MarkPodsNotReady: the node cannot report, so its pods are not ready any more.
      json::array conds = ConditionsOf(*pod);
      for (auto& c : conds) {
        if (!c.is_object() || GetString(c, {"type"}) != "Ready") continue;
        c.as_object()["status"] = "False";
        c.as_object()["lastTransitionTime"] = FormatRfc3339(now);
      }
      json::object patch{
          {"metadata",
           json::object{{"resourceVersion", GetString(*pod, {"metadata", "resourceVersion"})}}},
          {"status", json::object{{"conditions", std::move(conds)}}}};
      auto r = ctx_.client->Patch(PodPath(*pod) + "/status", patch);
      if (r.ok() && ctx_.recorder) {
        ctx_.recorder->Record(client::RefTo(*pod), "Warning", "NodeNotReady", "Node is not ready");
      }
      Keep(&first, r.ok() ? Status() : r.status());
    }
  }
  return first;
}

Status NodeLifecycleController::ForceDelete(const json::object& pod) {
  json::object opts{{"gracePeriodSeconds", 0},
                    {"preconditions", json::object{{"uid", GetString(pod, {"metadata", "uid"})}}}};
  return ctx_.client->Delete(PodPath(pod), opts);
}

Status NodeLifecycleController::SyncMissingNode(const std::string& name) {
  std::set<std::string> keys = PodsOn(name);
  if (keys.empty()) {
    std::lock_guard<std::mutex> l(mu_);
    missing_since_.erase(name);
    noexecute_seen_.erase(name);
    return {};
  }
  // The cache may lag behind (pods listed before nodes): ask the server.
  auto live = ctx_.client->Get(NodePath(name));
  if (live.ok()) return {};
  if (live.status().reason() != Reason::kNotFound) return live.status();
  Clock::time_point now = ctx_.clock->Now();
  Clock::time_point since;
  {
    std::lock_guard<std::mutex> l(mu_);
    since = missing_since_.emplace(name, now).first->second;
  }
  if (now - since < opts_.grace_period) {
    queue_.AddAfter(name, opts_.grace_period - (now - since));
    return {};
  }
  Status first;
  for (const std::string& key : keys) {
    controller::ObjectPtr pod = pods_->GetByKey(key);
    if (!pod || GetString(*pod, {"spec", "nodeName"}) != name) continue;
    Keep(&first, ForceDelete(*pod));
  }
  if (first.ok()) {
    std::lock_guard<std::mutex> l(mu_);
    missing_since_.erase(name);
  }
  return first;
}

}  // namespace berth::controllers
