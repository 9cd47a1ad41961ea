// NamespaceFinalizer: empties a namespace that is being deleted (every
// namespaced object in it; objects with finalizers are marked and waited for)
// and then removes the Namespace itself. One worker
// thread; Enqueue is thread-safe and cheap.
#pragma once

#include <condition_variable>
#include <deque>
#include <mutex>
#include <string>
#include <thread>

#include "api/resource.h"
#include "store/store.h"

namespace berth::apiserver {

class NamespaceFinalizer {
 public:
  NamespaceFinalizer(store::Store* store, const api::Registry* registry);
  ~NamespaceFinalizer();
  void Enqueue(const std::string& ns);
  // Enqueues every namespace already marked Terminating (after a restart).
  void ResumePending();

 private:
  void Run();
  // True when the namespace is gone; false when objects with finalizers remain.
  bool Finalize(const std::string& ns);
  // Deletes what can go now; returns how many objects are still waiting.
  int DeleteContents(const std::string& ns);

  store::Store* store_;
  const api::Registry* registry_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::string> queue_;
  bool stop_ = false;
  std::thread thread_;
};

}  // namespace berth::apiserver
