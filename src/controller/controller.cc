#include "controller/controller.h"

#include <cstdio>

namespace berth::controller {

QueueController::QueueController(const Context& ctx, RateLimit limit)
    : ctx_(ctx), queue_(ctx.clock, limit) {}

QueueController::~QueueController() { Stop(); }

void QueueController::Start(int workers) {
  for (int i = 0; i < workers; i++) workers_.emplace_back([this] { Worker(); });
}

void QueueController::Stop() {
  queue_.ShutDown();
  for (auto& t : workers_) {
    if (t.joinable()) t.join();
  }
  workers_.clear();
}

void QueueController::Worker() {
  std::string key;
  while (queue_.Get(&key)) {
    Status st;
    try {
      st = Sync(key);
    } catch (const std::exception& e) {
      st = Status(Reason::kInternalError, e.what());
    }
    if (st.ok()) {
      queue_.Forget(key);
    } else {
      // Conflicts are the normal outcome of racing with another writer: retry quietly.
      if (st.reason() != Reason::kConflict && queue_.NumRequeues(key) >= 3) {
        fprintf(stderr, "%s: sync %s: %s\n", Name(), key.c_str(), st.message().c_str());
      }
      queue_.AddRateLimited(key);
    }
    queue_.Done(key);
  }
}

}  // namespace berth::controller
