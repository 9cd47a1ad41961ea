// The backend-agnostic Store conformance suite (tests in conformance_test.cc).
// A backend joins by instantiating it with a factory, e.g.
//   INSTANTIATE_TEST_SUITE_P(Sqlite, StoreConformance,
//                            ::testing::Values(StoreBackend{"sqlite", OpenFn}),
//                            BackendName);
// The factory opens the backend's data in `dir`; calling it again with the
// same dir after the previous store is destroyed must reopen the same data.
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "store/store.h"
#include "store_temp_dir.h"

namespace berth::store::testing {

struct StoreBackend {
  std::string name;
  std::function<std::unique_ptr<Store>(const std::string& dir)> open;
};

inline std::string BackendName(const ::testing::TestParamInfo<StoreBackend>& info) {
  return info.param.name;
}

// Collects watch callbacks; tests wait on it with a deadline.
class EventCollector {
 public:
  WatchCallback Callback() {
    return [this](const std::vector<Event>& events, int64_t progress) {
      std::lock_guard<std::mutex> l(mu_);
      ++calls_;
      if (events.empty()) progress_.push_back(progress);
      events_.insert(events_.end(), events.begin(), events.end());
      cv_.notify_all();
    };
  }
  // True once at least `n` events arrived (within `timeout`).
  bool WaitForEvents(size_t n, std::chrono::milliseconds timeout = std::chrono::seconds(20)) {
    std::unique_lock<std::mutex> l(mu_);
    return cv_.wait_for(l, timeout, [&] { return events_.size() >= n; });
  }
  bool WaitForProgress(std::chrono::milliseconds timeout = std::chrono::seconds(20)) {
    std::unique_lock<std::mutex> l(mu_);
    return cv_.wait_for(l, timeout, [&] { return !progress_.empty(); });
  }
  std::vector<Event> events() {
    std::lock_guard<std::mutex> l(mu_);
    return events_;
  }
  std::vector<int64_t> progress() {
    std::lock_guard<std::mutex> l(mu_);
    return progress_;
  }
  int calls() {
    std::lock_guard<std::mutex> l(mu_);
    return calls_;
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<Event> events_;
  std::vector<int64_t> progress_;
  int calls_ = 0;
};

class StoreConformance : public ::testing::TestWithParam<StoreBackend> {
 protected:
  void SetUp() override {
    ASSERT_FALSE(dir_.path().empty());
    store_ = GetParam().open(dir_.path());
    ASSERT_NE(store_, nullptr);
  }
  void Reopen() {
    store_.reset();
    store_ = GetParam().open(dir_.path());
    ASSERT_NE(store_, nullptr);
  }

  StoreTempDir dir_;
  std::unique_ptr<Store> store_;
};

}  // namespace berth::store::testing
