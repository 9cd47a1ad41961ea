// WorkQueue: the keyed queue every controller works from (client-go's rate-limited workqueue).
//
// Contract:
// - A key is queued at most once; adding a queued key is a no-op.
// - A key handed out by Get is "processing" until Done; adding it meanwhile marks it dirty and it
//   is queued again on Done, so one key is never worked on by two workers at once.
// - AddAfter delays by the injected Clock's monotonic time. Delays are re-checked at least every
//   50 ms of real time, so tests with a ManualClock see items become due shortly after Advance.
// - AddRateLimited delays by base * 2^failures (capped at max) per key; Forget resets the count.
// - After ShutDown, Get returns false once the queue is empty... immediately: pending keys are
//   dropped.
// Thread-safe.
#pragma once

#include <chrono>
#include <condition_variable>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <deque>

#include "common/clock.h"

namespace berth::controller {

struct RateLimit {
  std::chrono::milliseconds base{5};
  std::chrono::milliseconds max{std::chrono::seconds(1000)};
};

class WorkQueue {
 public:
  explicit WorkQueue(const Clock* clock, RateLimit limit = {});

  void Add(const std::string& key);
  void AddAfter(const std::string& key, std::chrono::nanoseconds delay);
  void AddRateLimited(const std::string& key);
  void Forget(const std::string& key);
  int NumRequeues(const std::string& key) const;

  // Blocks until a key is ready (true) or the queue is shut down (false).
  bool Get(std::string* key);
  void Done(const std::string& key);
  void ShutDown();
  bool shutting_down() const;
  // Queued keys that are ready now (not counting delayed or processing ones).
  size_t Len() const;

 private:
  void AddLocked(const std::string& key);
  void PromoteDueLocked();

  const Clock* clock_;
  RateLimit limit_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::string> queue_;
  std::set<std::string> dirty_;
  std::set<std::string> processing_;
  std::multimap<std::chrono::steady_clock::time_point, std::string> delayed_;
  std::map<std::string, std::chrono::steady_clock::time_point> delayed_at_;
  std::map<std::string, int> failures_;
  bool shutdown_ = false;
};

}  // namespace berth::controller
