#include "client/event_recorder.h"

#include <random>

namespace berth::client {

ObjectRef RefTo(const json::object& obj) {
  ObjectRef r;
  r.kind = GetString(obj, {"kind"});
  r.api_version = GetString(obj, {"apiVersion"});
  r.namespace_ = GetString(obj, {"metadata", "namespace"});
  r.name = GetString(obj, {"metadata", "name"});
  r.uid = GetString(obj, {"metadata", "uid"});
  return r;
}


EventRecorder::EventRecorder(Interface* api, const Clock* clock, std::string component,
                             std::string host)
    : api_(api), clock_(clock), component_(std::move(component)), host_(std::move(host)) {
  thread_ = std::thread([this] { Loop(); });
}

EventRecorder::~EventRecorder() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  thread_.join();
}

void EventRecorder::Record(const ObjectRef& ref, const std::string& type, const std::string& reason,
                           const std::string& message) {
  std::lock_guard<std::mutex> lock(mu_);
  if (queue_.size() >= 1000) return;
  queue_.push_back({ref, type, reason, message});
  cv_.notify_all();
}

void EventRecorder::Flush() {
  std::unique_lock<std::mutex> lock(mu_);
  cv_.wait(lock, [&] { return queue_.empty() && in_flight_ == 0; });
}

void EventRecorder::Loop() {
  std::unique_lock<std::mutex> lock(mu_);
  while (true) {
    cv_.wait(lock, [&] { return stop_ || !queue_.empty(); });
    if (stop_) return;
    Pending p = std::move(queue_.front());
    queue_.pop_front();
    in_flight_++;
    lock.unlock();
    Send(p);
    lock.lock();
    in_flight_--;
    cv_.notify_all();
  }
}

void EventRecorder::Send(const Pending& p) {
  std::string ns = p.ref.namespace_.empty() ? "default" : p.ref.namespace_;
  std::string key = p.ref.uid + "/" + p.ref.field_path + "/" + p.reason + "/" + p.message;
  auto now = clock_->Now();
  std::string ts = FormatRfc3339(now);
  std::string base = "/api/v1/namespaces/" + ns + "/events";
  auto it = sent_.find(key);
  if (it != sent_.end() && now - it->second.at < std::chrono::minutes(10)) {
    it->second.count++;
    it->second.at = now;
    json::object patch{{"count", it->second.count}, {"lastTimestamp", ts}};
    if (api_->Patch(base + "/" + it->second.name, patch).ok()) return;
  }
  static thread_local std::mt19937_64 rng(std::random_device{}());
  char suffix[17];
  snprintf(suffix, sizeof suffix, "%016llx", static_cast<unsigned long long>(rng()));
  std::string name = p.ref.name + "." + suffix;
  json::object involved{{"kind", p.ref.kind}, {"name", p.ref.name}, {"apiVersion", p.ref.api_version}};
  if (!p.ref.namespace_.empty()) involved["namespace"] = p.ref.namespace_;
  if (!p.ref.uid.empty()) involved["uid"] = p.ref.uid;
  if (!p.ref.field_path.empty()) involved["fieldPath"] = p.ref.field_path;
  json::object ev{{"apiVersion", "v1"},
                  {"kind", "Event"},
                  {"metadata", json::object{{"name", name}, {"namespace", ns}}},
                  {"involvedObject", involved},
                  {"reason", p.reason},
                  {"message", p.message},
                  {"type", p.type},
                  {"source", json::object{{"component", component_}, {"host", host_}}},
                  {"reportingComponent", component_},
                  {"reportingInstance", host_},
                  {"firstTimestamp", ts},
                  {"lastTimestamp", ts},
                  {"count", 1}};
  if (api_->Create(base, ev).ok()) {
    if (sent_.size() > 4096) sent_.clear();
    sent_[key] = Sent{name, 1, ts, now};
  }
}

}  // namespace berth::agent
