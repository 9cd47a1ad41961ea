#include "controller/work_queue.h"

#include <algorithm>

namespace berth::controller {

WorkQueue::WorkQueue(const Clock* clock, RateLimit limit) : clock_(clock), limit_(limit) {}

void WorkQueue::AddLocked(const std::string& key) {
  if (shutdown_ || dirty_.count(key)) return;
  dirty_.insert(key);
  if (processing_.count(key)) return;  // queued again by Done
  queue_.push_back(key);
  cv_.notify_one();
}

void WorkQueue::Add(const std::string& key) {
  std::lock_guard<std::mutex> l(mu_);
  AddLocked(key);
}

void WorkQueue::AddAfter(const std::string& key, std::chrono::nanoseconds delay) {
  if (delay <= std::chrono::nanoseconds::zero()) return Add(key);
  std::lock_guard<std::mutex> l(mu_);
  if (shutdown_) return;
  auto due = clock_->Monotonic() + std::chrono::duration_cast<std::chrono::steady_clock::duration>(delay);
  auto it = delayed_at_.find(key);
  if (it != delayed_at_.end()) {
    if (it->second <= due) return;  // an earlier wake-up is already planned
    for (auto d = delayed_.lower_bound(it->second); d != delayed_.end() && d->first == it->second;
         ++d) {
      if (d->second == key) {
        delayed_.erase(d);
        break;
      }
    }
  }
  delayed_.emplace(due, key);
  delayed_at_[key] = due;
  cv_.notify_all();
}

void WorkQueue::AddRateLimited(const std::string& key) {
  int n;
  {
    std::lock_guard<std::mutex> l(mu_);
    n = failures_[key]++;
  }
  auto delay = limit_.base * (int64_t{1} << std::min(n, 30));
  AddAfter(key, std::min<std::chrono::nanoseconds>(delay, limit_.max));
}

void WorkQueue::Forget(const std::string& key) {
  std::lock_guard<std::mutex> l(mu_);
  failures_.erase(key);
}

int WorkQueue::NumRequeues(const std::string& key) const {
  std::lock_guard<std::mutex> l(mu_);
  auto it = failures_.find(key);
  return it == failures_.end() ? 0 : it->second;
}

void WorkQueue::PromoteDueLocked() {
  auto now = clock_->Monotonic();
  while (!delayed_.empty() && delayed_.begin()->first <= now) {
    std::string key = delayed_.begin()->second;
    delayed_.erase(delayed_.begin());
    delayed_at_.erase(key);
    AddLocked(key);
  }
}

bool WorkQueue::Get(std::string* key) {
  std::unique_lock<std::mutex> l(mu_);
  while (true) {
    if (shutdown_) return false;
    PromoteDueLocked();
    if (!queue_.empty()) break;
    auto wait = std::chrono::milliseconds(50);
    if (!delayed_.empty()) {
      auto until = delayed_.begin()->first - clock_->Monotonic();
      wait = std::clamp(std::chrono::duration_cast<std::chrono::milliseconds>(until),
                        std::chrono::milliseconds(1), wait);
    }
    cv_.wait_for(l, wait);
  }
  *key = std::move(queue_.front());
  queue_.pop_front();
  processing_.insert(*key);
  dirty_.erase(*key);
  return true;
}

void WorkQueue::Done(const std::string& key) {
  std::lock_guard<std::mutex> l(mu_);
  processing_.erase(key);
  if (dirty_.count(key) && !shutdown_) {
    queue_.push_back(key);
    cv_.notify_one();
  }
}

void WorkQueue::ShutDown() {
  std::lock_guard<std::mutex> l(mu_);
  shutdown_ = true;
  cv_.notify_all();
}

bool WorkQueue::shutting_down() const {
  std::lock_guard<std::mutex> l(mu_);
  return shutdown_;
}

size_t WorkQueue::Len() const {
  std::lock_guard<std::mutex> l(mu_);
  return queue_.size();
}

}  // namespace berth::controller
