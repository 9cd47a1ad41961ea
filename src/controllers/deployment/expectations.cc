#include "controllers/deployment/expectations.h"

namespace berth::controllers::deployutil {

Expectations::Expectations(const Clock* clock, std::chrono::seconds ttl)
    : clock_(clock), ttl_(ttl) {}

void Expectations::ExpectCreations(const std::string& key, int count) {
  std::lock_guard<std::mutex> l(mu_);
  records_[key] = Record{count, {}, clock_->Monotonic()};
}

void Expectations::ExpectDeletions(const std::string& key, const std::vector<std::string>& uids) {
  std::lock_guard<std::mutex> l(mu_);
  records_[key] = Record{0, std::set<std::string>(uids.begin(), uids.end()), clock_->Monotonic()};
}

void Expectations::CreationObserved(const std::string& key) {
  std::lock_guard<std::mutex> l(mu_);
  auto it = records_.find(key);
  if (it != records_.end() && it->second.adds > 0) it->second.adds--;
}

void Expectations::DeletionObserved(const std::string& key, const std::string& uid) {
  std::lock_guard<std::mutex> l(mu_);
  auto it = records_.find(key);
  if (it != records_.end()) it->second.deletes.erase(uid);
}

bool Expectations::Satisfied(const std::string& key) const {
  std::lock_guard<std::mutex> l(mu_);
  auto it = records_.find(key);
  if (it == records_.end()) return true;
  if (it->second.adds <= 0 && it->second.deletes.empty()) return true;
  return clock_->Monotonic() - it->second.at > ttl_;
}

void Expectations::Forget(const std::string& key) {
  std::lock_guard<std::mutex> l(mu_);
  records_.erase(key);
}

}  // namespace berth::controllers::deployutil
