#include "controllers/daemonset/expectations.h"

namespace berth::controllers::daemon {

bool Expectations::Satisfied(const std::string& key) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = entries_.find(key);
  if (it == entries_.end()) return true;
  const Entry& e = it->second;
  if ((e.creates <= 0 && e.deletes.empty()) || clock_->Monotonic() - e.at > kTimeout) {
    entries_.erase(it);
    return true;
  }
  return false;
}

void Expectations::Expect(const std::string& key, int creates,
                          const std::set<std::string>& delete_uids) {
  std::lock_guard<std::mutex> lock(mu_);
  entries_[key] = Entry{creates, delete_uids, clock_->Monotonic()};
}

void Expectations::CreationObserved(const std::string& key) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = entries_.find(key);
  if (it != entries_.end() && it->second.creates > 0) it->second.creates--;
}

void Expectations::DeletionObserved(const std::string& key, const std::string& uid) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = entries_.find(key);
  if (it != entries_.end()) it->second.deletes.erase(uid);
}

void Expectations::Forget(const std::string& key) {
  std::lock_guard<std::mutex> lock(mu_);
  entries_.erase(key);
}

}  // namespace berth::controllers::daemon
