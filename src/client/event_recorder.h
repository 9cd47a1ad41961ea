// EventRecorder: posts core/v1 Events about objects (the agent's Pulling, Started, BackOff...;
// the controllers' SuccessfulCreate, ScalingReplicaSet...). Events are sent from a background
// thread so that a slow or unreachable API server never blocks the caller; when the queue is full, new events are
// dropped (events are best-effort in Kubernetes too). Repeats of the same (object, reason,
// message) within 10 minutes update the existing Event's count instead of creating a new one.
//
// Thread-safety: Record may be called from any thread.
#pragma once

#include <condition_variable>
#include <deque>
#include <map>
#include <mutex>
#include <string>
#include <thread>

#include "client/interface.h"
#include "common/clock.h"

namespace berth::client {

struct ObjectRef {
  std::string kind;  // "Pod", "Node", "Deployment"
  std::string namespace_;
  std::string name;
  std::string uid;
  std::string field_path;  // "spec.containers{web}"
  std::string api_version = "v1";  // "apps/v1"
};

// The reference to an object given as JSON (kind, apiVersion and metadata).
ObjectRef RefTo(const json::object& obj);

class EventRecorder {
 public:
  EventRecorder(Interface* api, const Clock* clock, std::string component, std::string host);
  ~EventRecorder();
  // `type` is "Normal" or "Warning".
  void Record(const ObjectRef& ref, const std::string& type, const std::string& reason,
              const std::string& message);
  // Waits until every queued event was sent (tests).
  void Flush();

 private:
  struct Pending {
    ObjectRef ref;
    std::string type, reason, message;
  };
  struct Sent {
    std::string name;
    int count = 1;
    std::string first_timestamp;
    Clock::time_point at;
  };
  void Loop();
  void Send(const Pending& p);

  Interface* api_;
  const Clock* clock_;
  std::string component_, host_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Pending> queue_;
  bool stop_ = false;
  int in_flight_ = 0;
  std::map<std::string, Sent> sent_;  // key: object uid/reason/message
  std::thread thread_;
};

}  // namespace berth::client
