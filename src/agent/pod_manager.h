// PodManager: watches the pods bound to this node and keeps one PodWorker per pod.
//
// It lists pods with fieldSelector spec.nodeName=<node>, then watches from the list's
// resourceVersion; on any watch failure it re-lists (with back-off while the server is
// unreachable; workers keep running meanwhile). After the first list it collects leftovers:
// sandboxes and network namespaces of pods that no longer exist are removed.
//
// Thread-safety: Start/Stop from one thread; everything else runs on the manager's thread.
#pragma once

#include <atomic>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "agent/agent_context.h"
#include "agent/pod_worker.h"

namespace berth::agent {

class PodManager {
 public:
  explicit PodManager(AgentContext* ctx);
  ~PodManager();
  void Start();
  void Stop();  // workers stop; containers keep running
  // The runtime reports a container exit: wake its pod's worker.
  void OnContainerExit(const std::string& container_id);
  size_t WorkerCount() const;
  // True after the first successful list (and leftover collection).
  bool Synced() const { return synced_.load(); }

 private:
  void Loop();
  Status ListAndWatch();
  void Upsert(json::object pod);
  void Remove(const std::string& uid);
  void CollectLeftovers();
  void Reap();

  AgentContext* ctx_;
  std::atomic<bool> stop_{false};
  std::atomic<bool> synced_{false};
  mutable std::mutex mu_;
  std::map<std::string, std::unique_ptr<PodWorker>> workers_;  // by pod uid
  std::thread thread_;
};

}  // namespace berth::agent
