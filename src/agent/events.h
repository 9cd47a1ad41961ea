// EventRecorder: posts core/v1 Events about pods and the node (Pulling, Pulled, Created, Started,
// Killing, Unhealthy, BackOff, Failed, ...). Events are sent from a background thread so that a
// slow or unreachable API server never blocks a pod worker; when the queue is full, new events are
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

#include "client/api_client.h"
#include "common/clock.h"

namespace berth::agent {

struct ObjectRef {
  std::string kind;  // "Pod", "Node"
  std::string namespace_;
  std::string name;
  std::string uid;
  std::string field_path;  // "spec.containers{web}"
};

class EventRecorder {
 public:
  EventRecorder(client::ApiClient* api, const Clock* clock, std::string component, std::string host);
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

  client::ApiClient* api_;
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

}  // namespace berth::agent
