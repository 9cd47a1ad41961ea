#include "controller/leader_election.h"

namespace berth::controller {

LeaderElector::LeaderElector(client::Interface* client, const Clock* clock,
                             LeaderElectionConfig config, std::function<void()> on_started,
                             std::function<void()> on_stopped)
    : client_(client),
      clock_(clock),
      config_(std::move(config)),
      on_started_(std::move(on_started)),
      on_stopped_(std::move(on_stopped)) {}

LeaderElector::~LeaderElector() { Stop(); }

std::string LeaderElector::LeasePath() const {
  return "/apis/coordination.k8s.io/v1/namespaces/" + config_.namespace_ + "/leases/" +
         config_.name;
}

bool LeaderElector::TryAcquireOrRenew() {
  auto now = clock_->Now();
  std::string now_text = FormatRfc3339Micro(now);
  auto current = client_->Get(LeasePath());
  if (!current.ok()) {
    if (current.status().reason() != Reason::kNotFound) return leading_ = false;
    json::object lease{
        {"apiVersion", "coordination.k8s.io/v1"},
        {"kind", "Lease"},
        {"metadata", json::object{{"name", config_.name}, {"namespace", config_.namespace_}}},
        {"spec", json::object{{"holderIdentity", config_.identity},
                              {"leaseDurationSeconds", config_.lease_duration.count()},
                              {"acquireTime", now_text},
                              {"renewTime", now_text},
                              {"leaseTransitions", 0}}}};
    auto created = client_->Create(
        "/apis/coordination.k8s.io/v1/namespaces/" + config_.namespace_ + "/leases", lease);
    return leading_ = created.ok();
  }
  json::object lease = current->as_object();
  json::object& spec = lease["spec"].is_object() ? lease["spec"].as_object()
                                                 : lease["spec"].emplace_object();
  std::string holder = GetString(spec, {"holderIdentity"});
  if (holder != config_.identity && !holder.empty()) {
    Clock::time_point renewed;
    int64_t duration = GetInt(spec, {"leaseDurationSeconds"}, config_.lease_duration.count());
    bool valid_time = ParseRfc3339(GetString(spec, {"renewTime"}), &renewed);
    if (valid_time && renewed + std::chrono::seconds(duration) > now) return leading_ = false;
  }
  if (holder != config_.identity) {
    spec["holderIdentity"] = config_.identity;
    spec["acquireTime"] = now_text;
    spec["leaseTransitions"] = GetInt(spec, {"leaseTransitions"}) + (holder.empty() ? 0 : 1);
  }
  spec["renewTime"] = now_text;
  spec["leaseDurationSeconds"] = config_.lease_duration.count();
  auto updated = client_->Update(LeasePath(), lease);  // CAS on metadata.resourceVersion
  return leading_ = updated.ok();
}

void LeaderElector::Release() {
  if (!leading_) return;
  auto current = client_->Get(LeasePath());
  if (current.ok() && current->is_object()) {
    json::object lease = current->as_object();
    if (GetString(lease, {"spec", "holderIdentity"}) == config_.identity) {
      json::object& spec = lease["spec"].as_object();
      spec["holderIdentity"] = "";
      spec["leaseDurationSeconds"] = 1;
      (void)client_->Update(LeasePath(), lease);
    }
  }
  leading_ = false;
}

void LeaderElector::Start() {
  if (thread_.joinable()) return;
  stop_ = false;
  thread_ = std::thread([this] { Loop(); });
}

void LeaderElector::Stop() {
  {
    std::lock_guard<std::mutex> l(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void LeaderElector::Loop() {
  bool was_leading = false;
  auto last_renew = clock_->Monotonic();
  while (!stop_) {
    bool ok = TryAcquireOrRenew();
    if (ok) {
      last_renew = clock_->Monotonic();
      if (!was_leading) {
        was_leading = true;
        if (on_started_) on_started_();
      }
    } else if (was_leading && clock_->Monotonic() - last_renew > config_.renew_deadline) {
      was_leading = false;
      leading_ = false;
      if (on_stopped_) on_stopped_();
    } else if (was_leading) {
      leading_ = true;  // still within the renew deadline
    }
    std::unique_lock<std::mutex> l(mu_);
    cv_.wait_for(l, config_.retry_period, [&] { return stop_.load(); });
  }
  if (was_leading) {
    Release();
    if (on_stopped_) on_stopped_();
  }
}

}  // namespace berth::controller
