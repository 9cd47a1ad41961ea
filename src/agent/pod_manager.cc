#include "agent/pod_manager.h"

#include <set>

namespace berth::agent {

PodManager::PodManager(AgentContext* ctx) : ctx_(ctx) {}

PodManager::~PodManager() { Stop(); }

void PodManager::Start() { thread_ = std::thread([this] { Loop(); }); }

void PodManager::Stop() {
  stop_ = true;
  if (thread_.joinable()) thread_.join();
  std::map<std::string, std::unique_ptr<PodWorker>> workers;
  {
    std::lock_guard<std::mutex> lock(mu_);
    workers.swap(workers_);
  }
  workers.clear();  // joins every worker
}

size_t PodManager::WorkerCount() const {
  std::lock_guard<std::mutex> lock(mu_);
  return workers_.size();
}

void PodManager::OnContainerExit(const std::string& container_id) {
  // Container ids start with the first 12 hex digits of the pod uid.
  std::string prefix = container_id.substr(0, container_id.find('-'));
  std::lock_guard<std::mutex> lock(mu_);
  for (auto& [uid, w] : workers_) {
    std::string compact;
    for (char c : uid)
      if (c != '-' && compact.size() < prefix.size()) compact += c;
    if (compact == prefix) w->Wake();
  }
}

void PodManager::Upsert(json::object pod) {
  std::string uid = GetString(pod, {"metadata", "uid"});
  std::string phase = GetString(pod, {"status", "phase"});
  const bool terminal = phase == "Succeeded" || phase == "Failed";
  std::vector<HostPortUse> ports = HostPortsOf(pod);
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (rejected_.count(uid)) return;
    if (terminal) host_ports_.erase(uid);
    auto it = workers_.find(uid);
    if (it != workers_.end()) {
      it->second->Update(std::move(pod));
      return;
    }
    // Admission, once, for a pod that has not started here: its host ports must be free.
    const bool fresh = (phase.empty() || phase == "Pending") &&
                       GetPath(pod, {"metadata", "deletionTimestamp"}) == nullptr;
    bool conflict = false;
    if (fresh && !ports.empty())
      for (const auto& [other, used] : host_ports_)
        if (other != uid && HostPortsConflict(ports, used)) conflict = true;
    if (!conflict) {
      if (!terminal && !ports.empty()) host_ports_[uid] = std::move(ports);
      workers_[uid] = std::make_unique<PodWorker>(ctx_, std::move(pod));
      return;
    }
    rejected_.insert(uid);
  }
  RejectForHostPorts(pod);
}

void PodManager::RejectForHostPorts(const json::object& pod) {
  std::string path = "/api/v1/namespaces/" + GetString(pod, {"metadata", "namespace"}) +
                     "/pods/" + GetString(pod, {"metadata", "name"}) + "/status";
  json::object status{{"phase", "Failed"},
                      {"reason", "NodePorts"},
                      {"message",
                       "Pod was rejected: Predicate NodePorts failed: node(s) didn't have free "
                       "ports for the requested pod ports"}};
  json::object patch{{"status", std::move(status)}};
  auto r = ctx_->api->Patch(path, patch, client::PatchType::kMerge);
  if (!r.ok())
    fprintf(stderr, "agent: rejecting pod %s: %s\n", path.c_str(), r.status().ToString().c_str());
}

void PodManager::Remove(const std::string& uid) {
  std::lock_guard<std::mutex> lock(mu_);
  rejected_.erase(uid);
  auto it = workers_.find(uid);
  if (it != workers_.end()) it->second->Delete();
}

void PodManager::Reap() {
  std::vector<std::unique_ptr<PodWorker>> done;
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (auto it = workers_.begin(); it != workers_.end();) {
      if (it->second->Done()) {
        host_ports_.erase(it->first);
        done.push_back(std::move(it->second));
        it = workers_.erase(it);
      } else {
        ++it;
      }
    }
  }
  done.clear();
}

void PodManager::CollectLeftovers() {
  std::set<std::string> live;
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (const auto& [uid, w] : workers_) live.insert(uid);
  }
  auto sandboxes = ctx_->runtime->ListSandboxes();
  if (sandboxes.ok()) {
    for (const auto& s : *sandboxes) {
      if (live.count(s.id)) continue;
      fprintf(stderr, "agent: removing leftover sandbox %s\n", s.id.c_str());
      (void)ctx_->runtime->RemoveSandbox(s.id);
    }
  }
  auto containers = ctx_->runtime->ListContainers();
  if (containers.ok())
    for (const auto& c : *containers)
      if (!live.count(c.sandbox_id)) (void)ctx_->runtime->RemoveContainer(c.id);
  if (ctx_->network) {
    auto nets = ctx_->network->List();
    if (nets.ok())
      for (const auto& id : *nets)
        if (!live.count(id)) (void)ctx_->network->Remove(id);
  }
}

Status PodManager::ListAndWatch() {
  std::string selector = client::QueryEscape("spec.nodeName=" + ctx_->node_name);
  auto list = ctx_->api->Get("/api/v1/pods?fieldSelector=" + selector);
  if (!list.ok()) return list.status();
  std::set<std::string> seen;
  if (const auto* items = GetPath(*list, {"items"}); items && items->is_array()) {
    for (const auto& item : items->as_array()) {
      if (!item.is_object()) continue;
      json::object pod = item.as_object();
      pod["apiVersion"] = "v1";
      pod["kind"] = "Pod";
      seen.insert(GetString(pod, {"metadata", "uid"}));
      Upsert(std::move(pod));
    }
  }
  // Workers for pods that disappeared while we were not watching.
  {
    std::vector<std::string> gone;
    {
      std::lock_guard<std::mutex> lock(mu_);
      for (const auto& [uid, w] : workers_)
        if (!seen.count(uid)) gone.push_back(uid);
    }
    for (const auto& uid : gone) Remove(uid);
  }
  if (!synced_.exchange(true)) CollectLeftovers();
  std::string rv = GetString(*list, {"metadata", "resourceVersion"});
  while (!stop_) {
    std::string path = "/api/v1/pods?watch=true&allowWatchBookmarks=true&timeoutSeconds=300"
                       "&fieldSelector=" + selector + "&resourceVersion=" + rv;
    Status s = ctx_->api->Watch(
        path,
        [&](const std::string& type, json::value& obj) {
          Reap();
          if (!obj.is_object()) return true;
          std::string new_rv = GetString(obj.as_object(), {"metadata", "resourceVersion"});
          if (!new_rv.empty()) rv = new_rv;
          if (type == "ERROR") return false;
          if (type == "BOOKMARK") return true;
          if (type == "DELETED") Remove(GetString(obj.as_object(), {"metadata", "uid"}));
          else Upsert(obj.as_object());
          return true;
        },
        &stop_);
    if (!s.ok()) return s;
    // An ERROR event (e.g. 410 Expired) ends the watch: re-list.
    auto check = ctx_->api->Get("/api/v1/pods?limit=1&resourceVersion=" + rv +
                                "&fieldSelector=" + selector);
    if (!check.ok()) return check.status();
    Reap();
  }
  return Status::Ok();
}

void PodManager::Loop() {
  std::chrono::milliseconds delay(200);
  while (!stop_) {
    Status s = ListAndWatch();
    if (stop_) break;
    if (!s.ok()) {
      fprintf(stderr, "agent: pod watch: %s (retrying in %lld ms)\n", s.ToString().c_str(),
              static_cast<long long>(delay.count()));
      for (int i = 0; i < delay.count() / 50 && !stop_; ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
      delay = std::min(delay * 2, std::chrono::milliseconds(5000));
    } else {
      delay = std::chrono::milliseconds(200);
    }
    Reap();
  }
}

}  // namespace berth::agent
