#include "proxy/proxier.h"

#include <iostream>

#include "controller/informer.h"
#include "proxy/delta.h"

namespace berth::proxy {

namespace {

constexpr std::chrono::seconds kStartWait{10};
constexpr std::chrono::seconds kMinRetry{1};
constexpr const char* kServiceNameLabel = "kubernetes.io/service-name";

std::string ObjectKey(const json::object& obj) {
  return GetString(obj, {"metadata", "namespace"}) + "/" + GetString(obj, {"metadata", "name"});
}

std::chrono::microseconds Since(std::chrono::steady_clock::time_point t) {
  return std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() -
                                                               t);
}

}  // namespace

Proxier::Proxier(client::Interface* api, ProxyOptions options, std::unique_ptr<NftRunner> nft)
    : api_(api), options_(std::move(options)), nft_(std::move(nft)) {
  render_.table = options_.table;
  render_.pod_cidr = options_.pod_cidr;
  render_.dns_cluster_ip = options_.dns_cluster_ip;
  render_.dns_target_ip = options_.dns_target_ip;
  render_.dns_target_port = options_.dns_target_port;
  model_options_.node_name = options_.node_name;
  model_options_.ignore_cluster_ip = options_.dns_cluster_ip;
}

Proxier::~Proxier() { Stop(); }

void Proxier::SetObserver(std::function<void(const SyncReport&)> observer) {
  observer_ = std::move(observer);
}

Status Proxier::Start() {
  if (options_.table.empty()) return BadRequest("proxy: table name is required");
  if (!options_.dns_cluster_ip.empty() && options_.dns_target_ip.empty()) {
    return BadRequest("proxy: dns_target_ip is required with dns_cluster_ip");
  }
  {
    std::lock_guard<std::mutex> l(mu_);
    stop_ = false;
    full_needed_ = true;
  }
  services_informer_ = std::make_unique<controller::Informer>(api_, "/api/v1/services");
  slices_informer_ =
      std::make_unique<controller::Informer>(api_, "/apis/discovery.k8s.io/v1/endpointslices");
  services_informer_->AddHandler(controller::EventHandler{
      [this](const controller::ObjectPtr& o) { OnService(ObjectKey(*o), o); },
      [this](const controller::ObjectPtr&, const controller::ObjectPtr& o) {
        OnService(ObjectKey(*o), o);
      },
      [this](const controller::ObjectPtr& o) { OnService(ObjectKey(*o), nullptr); }});
  slices_informer_->AddHandler(controller::EventHandler{
      [this](const controller::ObjectPtr& o) { OnSlice(ObjectKey(*o), o); },
      [this](const controller::ObjectPtr&, const controller::ObjectPtr& o) {
        OnSlice(ObjectKey(*o), o);
      },
      [this](const controller::ObjectPtr& o) { OnSlice(ObjectKey(*o), nullptr); }});
  services_informer_->Start();
  slices_informer_->Start();
  thread_ = std::thread([this] { Loop(); });

  std::unique_lock<std::mutex> l(mu_);
  cv_.wait_for(l, kStartWait, [this] { return stats_.full_syncs > 0; });
  if (stats_.full_syncs > 0 && !stats_.last.status.ok() && stats_.syncs == stats_.failures) {
    Status st = stats_.last.status;
    l.unlock();
    Stop();
    return st;
  }
  return Status::Ok();
}

void Proxier::Stop() {
  {
    std::lock_guard<std::mutex> l(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  if (services_informer_) services_informer_->Stop();
  if (slices_informer_) slices_informer_->Stop();
  if (thread_.joinable()) thread_.join();
  services_informer_.reset();
  slices_informer_.reset();
}

Status Proxier::Destroy() {
  Stop();
  return nft_->Run("add table ip " + options_.table + "\ndelete table ip " + options_.table +
                   "\n");
}

ProxyStats Proxier::stats() const {
  std::lock_guard<std::mutex> l(mu_);
  return stats_;
}

bool Proxier::WaitForSyncs(uint64_t n, std::chrono::milliseconds timeout) const {
  std::unique_lock<std::mutex> l(mu_);
  return cv_.wait_for(l, timeout, [&] { return stats_.syncs >= n; });
}

void Proxier::RequestFullSync() {
  {
    std::lock_guard<std::mutex> l(mu_);
    full_needed_ = true;
  }
  cv_.notify_all();
}

void Proxier::OnService(const std::string& key, std::shared_ptr<const json::object> obj) {
  {
    std::lock_guard<std::mutex> l(mu_);
    if (obj) {
      services_[key] = std::move(obj);
    } else {
      services_.erase(key);
    }
    dirty_.insert(key);
  }
  cv_.notify_all();
}

void Proxier::OnSlice(const std::string& key, std::shared_ptr<const json::object> obj) {
  std::string owner;
  if (obj) {
    std::string svc = GetString(*obj, {"metadata", "labels", kServiceNameLabel});
    if (!svc.empty()) owner = GetString(*obj, {"metadata", "namespace"}) + "/" + svc;
  }
  {
    std::lock_guard<std::mutex> l(mu_);
    auto was = slice_owner_.find(key);
    if (was != slice_owner_.end() && was->second != owner) {
      auto it = slices_.find(was->second);
      if (it != slices_.end()) {
        it->second.erase(key);
        if (it->second.empty()) slices_.erase(it);
      }
      dirty_.insert(was->second);
      slice_owner_.erase(was);
    }
    if (!owner.empty()) {
      slices_[owner][key] = std::move(obj);
      slice_owner_[key] = owner;
      dirty_.insert(owner);
    }
  }
  cv_.notify_all();
}

void Proxier::Loop() {
  auto last_sync = std::chrono::steady_clock::time_point{};
  auto retry_after = std::chrono::steady_clock::time_point{};
  const auto retry_delay =
      std::max<std::chrono::milliseconds>(options_.min_sync_interval, kMinRetry);
  while (true) {
    bool full = false;
    std::set<std::string> dirty;
    {
      std::unique_lock<std::mutex> l(mu_);
      auto ready = [&] {
        return stop_ || (services_informer_->HasSynced() && slices_informer_->HasSynced() &&
                         (full_needed_ || !dirty_.empty()));
      };
      // Informer sync is not signalled through cv_, so wake up now and then to look.
      while (!ready()) cv_.wait_for(l, std::chrono::milliseconds(50));
      if (stop_) return;
      auto not_before = std::max(last_sync + options_.min_sync_interval, retry_after);
      if (std::chrono::steady_clock::now() < not_before) {
        cv_.wait_until(l, not_before, [this] { return stop_; });
        continue;  // re-check; more changes may have been batched meanwhile
      }
      full = full_needed_;
      full_needed_ = false;
      dirty.swap(dirty_);
    }
    last_sync = std::chrono::steady_clock::now();
    SyncOnce(full, dirty);
    std::lock_guard<std::mutex> l(mu_);
    if (!stats_.last.status.ok()) {
      full_needed_ = true;
      retry_after = std::chrono::steady_clock::now() + retry_delay;
    }
  }
}

void Proxier::SyncOnce(bool full, const std::set<std::string>& dirty) {
  const auto t0 = std::chrono::steady_clock::now();
  SyncReport report;
  report.full = full;

  // Snapshot the objects of the services to render.
  struct Input {
    std::shared_ptr<const json::object> service;
    std::vector<std::shared_ptr<const json::object>> slices;
  };
  std::map<std::string, Input> inputs;  // "ns/name" -> objects (service null = deleted)
  {
    std::lock_guard<std::mutex> l(mu_);
    auto add = [&](const std::string& key) {
      Input& in = inputs[key];
      auto s = services_.find(key);
      if (s != services_.end()) in.service = s->second;
      auto sl = slices_.find(key);
      if (sl != slices_.end()) {
        for (const auto& [_, obj] : sl->second) in.slices.push_back(obj);
      }
    };
    if (full) {
      for (const auto& [key, _] : services_) add(key);
    } else {
      for (const std::string& key : dirty) add(key);
    }
  }
  report.services = inputs.size();

  Model before;  // the dirty services' ports as the table has them
  Model after;   // and as they should be
  for (const auto& [key, in] : inputs) {
    if (!full) {
      const std::string prefix = key + "/";
      for (auto it = model_.lower_bound(prefix);
           it != model_.end() && it->first.compare(0, prefix.size(), prefix) == 0; ++it) {
        before.insert(*it);
      }
    }
    if (!in.service) continue;
    std::vector<const json::object*> slices;
    for (const auto& s : in.slices) slices.push_back(s.get());
    for (ServicePort& p : BuildServicePorts(*in.service, slices, model_options_)) {
      std::string k = p.Key();
      after.emplace(std::move(k), std::move(p));
    }
  }
  const std::string script =
      full ? RenderFull(render_, after) : RenderDelta(render_, before, after);
  report.build = Since(t0);
  report.script_bytes = script.size();

  if (!script.empty()) {
    const auto t1 = std::chrono::steady_clock::now();
    report.status = nft_->Run(script);
    report.apply = Since(t1);
  }
  if (report.status.ok()) {
    if (full) {
      model_ = std::move(after);
    } else {
      for (const auto& [key, _] : before) model_.erase(key);
      for (auto& [key, p] : after) model_[key] = std::move(p);
    }
  } else {
    std::cerr << "proxy: " << (full ? "full" : "incremental")
              << " sync failed: " << report.status.ToString() << "\n";
  }
  report.ports = model_.size();
  if (observer_) observer_(report);
  {
    std::lock_guard<std::mutex> l(mu_);
    stats_.syncs++;
    if (full) stats_.full_syncs++;
    if (!report.status.ok()) stats_.failures++;
    stats_.last = report;
  }
  cv_.notify_all();
}

}  // namespace berth::proxy
