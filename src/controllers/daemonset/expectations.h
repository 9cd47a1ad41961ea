// Expectations of the DaemonSet controller (kube's ControllerExpectations): how many pod creates
// and which pod deletes a sync issued that the pod informer has not shown yet. While any are
// outstanding the controller does not create or delete again for that DaemonSet, so a stale cache
// never doubles a node's pod. Outstanding expectations expire after 5 minutes (by the clock's
// monotonic time), in case an event was missed. Thread-safe.
#pragma once

#include <chrono>
#include <map>
#include <mutex>
#include <set>
#include <string>

#include "common/clock.h"

namespace berth::controllers::daemon {

class Expectations {
 public:
  static constexpr std::chrono::minutes kTimeout{5};
  explicit Expectations(const Clock* clock) : clock_(clock) {}

  bool Satisfied(const std::string& key);
  // Replaces the expectations of `key`.
  void Expect(const std::string& key, int creates, const std::set<std::string>& delete_uids);
  void CreationObserved(const std::string& key);
  void DeletionObserved(const std::string& key, const std::string& uid);
  void Forget(const std::string& key);

 private:
  struct Entry {
    int creates = 0;
    std::set<std::string> deletes;
    std::chrono::steady_clock::time_point at;
  };
  const Clock* clock_;
  std::mutex mu_;
  std::map<std::string, Entry> entries_;
};

}  // namespace berth::controllers::daemon
