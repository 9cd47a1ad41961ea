// PodManager: watches the pods bound to this node and keeps one PodWorker per pod.
//
// It lists pods with fieldSelector spec.nodeName=<node>, then watches from the list's
// resourceVersion; on any watch failure it re-lists (with back-off while the server is
// unreachable; workers keep running meanwhile). After the first list it collects leftovers:
// sandboxes and network namespaces of pods that no longer exist are removed.
// A pod seen for the first time (not started yet) whose host ports are held by another
// admitted pod is rejected instead of run (port_admission.h).
//
// Thread-safety: Start/Stop from one thread; everything else runs on the manager's thread.
#pragma once

#include <atomic>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>

#include "agent/agent_context.h"
#include "agent/pod_worker.h"
#include "agent/port_admission.h"

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
  // Marks the pod Failed (reason NodePorts): its host ports are held by another pod.
  void RejectForHostPorts(const json::object& pod);
  void CollectLeftovers();
  void Reap();

  AgentContext* ctx_;
  std::atomic<bool> stop_{false};
  std::atomic<bool> synced_{false};
  mutable std::mutex mu_;
  std::map<std::string, std::unique_ptr<PodWorker>> workers_;  // by pod uid
  // Host ports of admitted, non-terminal pods (by uid), and pods rejected at admission.
  std::map<std::string, std::vector<HostPortUse>> host_ports_;
  std::set<std::string> rejected_;
  std::thread thread_;
};

}  // namespace berth::agent
