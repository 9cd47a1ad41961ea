#include "scheduler/scheduler.h"

#include <algorithm>

namespace berth::scheduler {

namespace {

bool IsTerminal(const json::object& pod) {
  std::string phase = GetString(pod, {"status", "phase"});
  return phase == "Succeeded" || phase == "Failed";
}

std::string NodeNameOf(const json::object& pod) { return GetString(pod, {"spec", "nodeName"}); }

}  // namespace

Scheduler::Scheduler(const controller::Context& ctx, SchedulerOptions opts)
    : ctx_(ctx),
      opts_(std::move(opts)),
      pods_(ctx.informers->For("/api/v1/pods")),
      nodes_(ctx.informers->For("/api/v1/nodes")),
      queue_(ctx.clock, controller::RateLimit{std::chrono::milliseconds(1000),
                                               std::chrono::seconds(10)}),
      algorithm_(DefaultRegistry(), opts_.algorithm) {
  pods_->AddHandler(controller::EventHandler{
      [this](const controller::ObjectPtr& p) { OnPodAdd(p); },
      [this](const controller::ObjectPtr& o, const controller::ObjectPtr& n) { OnPodUpdate(o, n); },
      [this](const controller::ObjectPtr& p) { OnPodDelete(p); }});
  nodes_->AddHandler(controller::EventHandler{
      [this](const controller::ObjectPtr& n) { OnNodeChange(n, false); },
      [this](const controller::ObjectPtr&, const controller::ObjectPtr& n) { OnNodeChange(n, false); },
      [this](const controller::ObjectPtr& n) { OnNodeChange(n, true); }});
}

Scheduler::~Scheduler() { Stop(); }

bool Scheduler::Responsible(const json::object& pod) const {
  std::string name = GetString(pod, {"spec", "schedulerName"});
  if (name.empty()) name = "default-scheduler";
  return name == opts_.scheduler_name && NodeNameOf(pod).empty() &&
         GetString(pod, {"metadata", "deletionTimestamp"}).empty() && !IsTerminal(pod);
}

void Scheduler::OnPodAdd(const controller::ObjectPtr& pod) {
  if (!NodeNameOf(*pod).empty()) {
    if (IsTerminal(*pod)) return;
    auto info = ParsePod(*pod);
    std::lock_guard<std::mutex> l(cache_mu_);
    assumed_.erase(controller::KeyOf(*pod));
    snapshot_.RemovePod(info->ns, info->name);
    snapshot_.AddPod(std::move(info));
    return;
  }
  if (Responsible(*pod)) queue_.Add(controller::KeyOf(*pod));
}

void Scheduler::OnPodUpdate(const controller::ObjectPtr& old_pod, const controller::ObjectPtr& pod) {
  if (!NodeNameOf(*pod).empty()) {
    if (IsTerminal(*pod)) {
      // A finished pod frees its node's resources.
      {
        std::lock_guard<std::mutex> l(cache_mu_);
        snapshot_.RemovePod(GetString(*pod, {"metadata", "namespace"}),
                            GetString(*pod, {"metadata", "name"}));
      }
      if (!IsTerminal(*old_pod)) MoveAllToActive();
      return;
    }
    // Bound (or still bound): refresh the node's accounting only when the binding is new or
    // the spec changed; status-only updates do not change placement.
    if (NodeNameOf(*old_pod).empty() ||
        GetInt(*old_pod, {"metadata", "generation"}) != GetInt(*pod, {"metadata", "generation"})) {
      OnPodAdd(pod);
    }
    return;
  }
  if (Responsible(*pod)) queue_.Add(controller::KeyOf(*pod));
}

void Scheduler::OnPodDelete(const controller::ObjectPtr& pod) {
  std::string key = controller::KeyOf(*pod);
  if (!NodeNameOf(*pod).empty()) {
    {
      std::lock_guard<std::mutex> l(cache_mu_);
      snapshot_.RemovePod(GetString(*pod, {"metadata", "namespace"}),
                          GetString(*pod, {"metadata", "name"}));
      assumed_.erase(key);
    }
    MoveAllToActive();
    return;
  }
  std::lock_guard<std::mutex> l(unsched_mu_);
  unschedulable_.erase(key);
}

void Scheduler::OnNodeChange(const controller::ObjectPtr& node, bool deleted) {
  {
    std::lock_guard<std::mutex> l(cache_mu_);
    if (deleted) {
      snapshot_.RemoveNode(GetString(*node, {"metadata", "name"}));
    } else {
      snapshot_.UpsertNode(*node);
    }
  }
  if (!deleted) MoveAllToActive();
}

void Scheduler::MoveAllToActive() {
  std::set<std::string> waiting;
  {
    std::lock_guard<std::mutex> l(unsched_mu_);
    waiting.swap(unschedulable_);
  }
  for (const auto& k : waiting) queue_.Add(k);
}

void Scheduler::Start(int) {
  stopping_ = false;
  for (int i = 0; i < std::max(1, opts_.bind_workers); i++) {
    binders_.emplace_back([this] { BindLoop(); });
  }
  loop_ = std::thread([this] { ScheduleLoop(); });
}

void Scheduler::Stop() {
  queue_.ShutDown();
  {
    std::lock_guard<std::mutex> l(bind_mu_);
    stopping_ = true;
  }
  bind_cv_.notify_all();
  if (loop_.joinable()) loop_.join();
  for (auto& t : binders_) {
    if (t.joinable()) t.join();
  }
  binders_.clear();
}

SchedulerStats Scheduler::Stats() const {
  std::lock_guard<std::mutex> l(stats_mu_);
  return stats_;
}

void Scheduler::ScheduleLoop() {
  // Decisions need the whole cluster: wait for both caches.
  while (!queue_.shutting_down() &&
         !(nodes_->WaitForSync(std::chrono::milliseconds(200)) &&
           pods_->WaitForSync(std::chrono::milliseconds(200)))) {
  }
  std::string key;
  while (queue_.Get(&key)) {
    ScheduleOne(key);
    queue_.Done(key);
  }
}

void Scheduler::ScheduleOne(const std::string& key) {
  auto started = std::chrono::steady_clock::now();
  controller::ObjectPtr pod = pods_->GetByKey(key);
  if (!pod || !Responsible(*pod)) return;
  auto info = ParsePod(*pod);
  ScheduleResult result;
  {
    std::lock_guard<std::mutex> l(cache_mu_);
    if (assumed_.count(key)) return;  // a binding is in flight
    result = algorithm_.Schedule(snapshot_, *info);
    if (!result.node.empty()) {
      auto assumed = std::make_shared<PodInfo>(*info);
      assumed->node_name = result.node;
      snapshot_.AddPod(assumed);
      assumed_.insert(key);
      info = assumed;
    }
  }
  if (result.node.empty()) {
    {
      std::lock_guard<std::mutex> l(unsched_mu_);
      unschedulable_.insert(key);
    }
    queue_.AddAfter(key, std::chrono::minutes(5));
    MarkUnschedulable(*pod, result);
    std::lock_guard<std::mutex> l(stats_mu_);
    stats_.unschedulable++;
    return;
  }
  {
    std::lock_guard<std::mutex> l(bind_mu_);
    binds_.push_back(BindTask{info, result.node, started});
  }
  bind_cv_.notify_one();
}

void Scheduler::BindLoop() {
  while (true) {
    BindTask task;
    {
      std::unique_lock<std::mutex> l(bind_mu_);
      bind_cv_.wait(l, [&] { return stopping_ || !binds_.empty(); });
      if (binds_.empty()) return;
      task = std::move(binds_.front());
      binds_.pop_front();
    }
    Bind(task.pod, task.node, task.started);
  }
}

void Scheduler::Bind(std::shared_ptr<const PodInfo> pod, const std::string& node,
                     std::chrono::steady_clock::time_point started) {
  std::string key = pod->ns + "/" + pod->name;
  json::object binding{
      {"apiVersion", "v1"},
      {"kind", "Binding"},
      {"metadata", json::object{{"name", pod->name}, {"namespace", pod->ns}, {"uid", pod->uid}}},
      {"target", json::object{{"apiVersion", "v1"}, {"kind", "Node"}, {"name", node}}}};
  auto r = ctx_.client->Create(
      "/api/v1/namespaces/" + pod->ns + "/pods/" + pod->name + "/binding", binding);
  if (!r.ok()) {
    {
      std::lock_guard<std::mutex> l(cache_mu_);
      if (assumed_.erase(key)) snapshot_.RemovePod(pod->ns, pod->name);
    }
    {
      std::lock_guard<std::mutex> l(stats_mu_);
      stats_.bind_errors++;
    }
    if (r.status().reason() != Reason::kNotFound) queue_.AddRateLimited(key);
    return;
  }
  queue_.Forget(key);
  double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started)
                  .count();
  {
    std::lock_guard<std::mutex> l(stats_mu_);
    stats_.scheduled++;
    stats_.latencies_ms.push_back(ms);
  }
  if (ctx_.recorder) {
    client::ObjectRef ref{"Pod", pod->ns, pod->name, pod->uid, ""};
    ctx_.recorder->Record(ref, "Normal", "Scheduled",
                          "Successfully assigned " + key + " to " + node);
  }
}

void Scheduler::MarkUnschedulable(const json::object& pod, const ScheduleResult& result) {
  std::string message = result.message;
  // Patch the condition only when it changes (a pod retried on every cluster event would
  // otherwise rewrite its status each time).
  bool same = false;
  if (const auto* st = pod.if_contains("status"); st && st->is_object()) {
    if (const auto* conds = st->as_object().if_contains("conditions"); conds && conds->is_array()) {
      for (const auto& c : conds->as_array()) {
        if (!c.is_object() || GetString(c.as_object(), {"type"}) != "PodScheduled") continue;
        same = GetString(c.as_object(), {"status"}) == "False" &&
               GetString(c.as_object(), {"message"}) == message;
      }
    }
  }
  if (!same) {
    json::object cond{{"type", "PodScheduled"},
                      {"status", "False"},
                      {"reason", "Unschedulable"},
                      {"message", message},
                      {"lastProbeTime", nullptr},
                      {"lastTransitionTime", FormatRfc3339(ctx_.clock->Now())}};
    json::object patch{{"status", json::object{{"conditions", json::array{cond}}}}};
    (void)ctx_.client->Patch(
        "/api/v1/namespaces/" + GetString(pod, {"metadata", "namespace"}) + "/pods/" +
            GetString(pod, {"metadata", "name"}) + "/status",
        patch, client::PatchType::kStrategic);
    if (ctx_.recorder) {
      client::ObjectRef ref{"Pod", GetString(pod, {"metadata", "namespace"}),
                            GetString(pod, {"metadata", "name"}),
                            GetString(pod, {"metadata", "uid"}), ""};
      ctx_.recorder->Record(ref, "Warning", "FailedScheduling", message);
    }
  }
}

}  // namespace berth::scheduler
