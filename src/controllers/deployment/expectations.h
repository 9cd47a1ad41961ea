// Expectations: what a controller is waiting to see in its informer after its own writes
// (kube's ControllerExpectations), so a sync that runs before the cache caught up does not create
// or delete the same pods twice.
//
// Per key: a count of creations still unobserved and the UIDs of pods whose deletion is still
// unobserved. A key is satisfied when both are empty, when nothing is recorded, or when the record
// is older than the TTL (a lost watch event must not block the controller forever).
// Thread-safe.
#pragma once

#include <chrono>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "common/clock.h"

namespace berth::controllers::deployutil {

class Expectations {
 public:
  explicit Expectations(const Clock* clock, std::chrono::seconds ttl = std::chrono::minutes(5));

  // Replaces the record of `key` (kube's SetExpectations).
  void ExpectCreations(const std::string& key, int count);
  void ExpectDeletions(const std::string& key, const std::vector<std::string>& uids);
  // One expected creation happened (or will not happen: a failed create).
  void CreationObserved(const std::string& key);
  void DeletionObserved(const std::string& key, const std::string& uid);
  bool Satisfied(const std::string& key) const;
  void Forget(const std::string& key);

 private:
  struct Record {
    int adds = 0;
    std::set<std::string> deletes;
    std::chrono::steady_clock::time_point at;
  };
  const Clock* clock_;
  std::chrono::seconds ttl_;
  mutable std::mutex mu_;
  std::map<std::string, Record> records_;
};

}  // namespace berth::controllers::deployutil
