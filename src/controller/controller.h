// Controller: the shape every berth controller has (kube-controller-manager's pattern).
//
// A controller registers handlers on shared informers that turn changes into keys on its
// WorkQueue; worker threads take keys and call Sync(key), which reads the informers' caches,
// compares desired with actual state and writes the difference through the client. Sync must
// be idempotent and safe to repeat: a failed Sync is retried with per-key exponential back-off,
// and a successful one resets it. Time comes only from Context::clock.
#pragma once

#include <atomic>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "client/event_recorder.h"
#include "client/interface.h"
#include "common/clock.h"
#include "controller/informer.h"
#include "controller/work_queue.h"

namespace berth::controller {

// What controllers share. Every pointer outlives the controllers. The handlers a controller
// registers on the shared informers capture it and cannot be removed, so the informers must be
// stopped (InformerFactory::StopAll) before a controller is destroyed (ControllerManager does).
struct Context {
  client::Interface* client = nullptr;
  InformerFactory* informers = nullptr;
  const Clock* clock = nullptr;
  client::EventRecorder* recorder = nullptr;
};

class Controller {
 public:
  virtual ~Controller() = default;
  virtual const char* Name() const = 0;
  // Starts `workers` worker threads; informers must be started (they may still be syncing).
  virtual void Start(int workers) = 0;
  virtual void Stop() = 0;
};

// A controller driven by one WorkQueue of "ns/name" keys.
class QueueController : public Controller {
 public:
  ~QueueController() override;
  void Start(int workers) override;
  void Stop() override;
  // Processes one key synchronously (tests drive controllers with this instead of workers).
  Status SyncNow(const std::string& key) { return Sync(key); }
  WorkQueue& queue() { return queue_; }

 protected:
  explicit QueueController(const Context& ctx, RateLimit limit = {});
  virtual Status Sync(const std::string& key) = 0;
  // Queues the key of `obj` (handler helper).
  void Enqueue(const json::object& obj) { queue_.Add(KeyOf(obj)); }
  // A handler that queues the object's key on add, update and delete (for the informer of the
  // controller's own kind); `on_delete` runs first on deletes (e.g. to forget expectations).
  EventHandler EnqueueOnEvents(std::function<void(const ObjectPtr&)> on_delete = {}) {
    return EventHandler{[this](const ObjectPtr& o) { Enqueue(*o); },
                        [this](const ObjectPtr&, const ObjectPtr& o) { Enqueue(*o); },
                        [this, on_delete](const ObjectPtr& o) {
                          if (on_delete) on_delete(o);
                          Enqueue(*o);
                        }};
  }

  Context ctx_;
  WorkQueue queue_;

 private:
  void Worker();
  std::vector<std::thread> workers_;
};

}  // namespace berth::controller
