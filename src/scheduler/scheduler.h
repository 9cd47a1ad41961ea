// Scheduler: places pods that have no node (kube-scheduler's loop around the pure Algorithm).
//
// Informers on nodes and pods keep a Snapshot of the cluster (nodes, and pods bound or assumed
// per node). Pods without spec.nodeName for this scheduler name are queued; one scheduling
// thread takes them in order, runs Algorithm::Schedule against the snapshot, "assumes" the pod
// on the chosen node (so the next decision already counts it) and hands the binding to a pool of
// bind workers, which POST pods/<name>/binding. A failed binding forgets the assumption and
// retries the pod with back-off.
//
// A pod that fits nowhere gets PodScheduled=False/Unschedulable with the per-node reasons and a
// FailedScheduling event, and waits in the unschedulable set until the cluster changes (a node
// added or changed, a bound pod deleted), when every waiting pod is retried; like kube, a pod is
// also retried after 5 minutes at the latest.
//
// Thread-safety: Start/Stop from one thread; the rest is internal.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "controller/controller.h"
#include "scheduler/schedule.h"
#include "scheduler/snapshot.h"

namespace berth::scheduler {

struct SchedulerOptions {
  std::string scheduler_name = "default-scheduler";
  int bind_workers = 32;
  AlgorithmOptions algorithm;
};

struct SchedulerStats {
  int64_t scheduled = 0;      // successful bindings
  int64_t unschedulable = 0;  // attempts that found no node
  int64_t bind_errors = 0;
  // Attempt latencies (queue pop to binding confirmed), for percentiles.
  std::vector<double> latencies_ms;
};

class Scheduler : public controller::Controller {
 public:
  Scheduler(const controller::Context& ctx, SchedulerOptions opts = {});
  ~Scheduler() override;
  const char* Name() const override { return "scheduler"; }
  void Start(int workers) override;  // `workers` is ignored: one decision thread by design
  void Stop() override;
  SchedulerStats Stats() const;

 private:
  void OnPodAdd(const controller::ObjectPtr& pod);
  void OnPodUpdate(const controller::ObjectPtr& old_pod, const controller::ObjectPtr& pod);
  void OnPodDelete(const controller::ObjectPtr& pod);
  void OnNodeChange(const controller::ObjectPtr& node, bool deleted);
  bool Responsible(const json::object& pod) const;
  void MoveAllToActive();
  void ScheduleLoop();
  void ScheduleOne(const std::string& key);
  void BindLoop();
  void Bind(std::shared_ptr<const PodInfo> pod, const std::string& node,
            std::chrono::steady_clock::time_point started);
  void MarkUnschedulable(const json::object& pod, const ScheduleResult& result);

  controller::Context ctx_;
  SchedulerOptions opts_;
  controller::Informer* pods_;
  controller::Informer* nodes_;
  controller::WorkQueue queue_;

  mutable std::mutex cache_mu_;  // guards snapshot_, assumed_, algorithm_
  Snapshot snapshot_;
  std::set<std::string> assumed_;  // "ns/name" of pods assumed but not yet seen bound
  Algorithm algorithm_;

  std::mutex unsched_mu_;
  std::set<std::string> unschedulable_;

  struct BindTask {
    std::shared_ptr<const PodInfo> pod;
    std::string node;
    std::chrono::steady_clock::time_point started;
  };
  std::mutex bind_mu_;
  std::condition_variable bind_cv_;
  std::deque<BindTask> binds_;
  bool stopping_ = false;

  mutable std::mutex stats_mu_;
  SchedulerStats stats_;

  std::thread loop_;
  std::vector<std::thread> binders_;
};

}  // namespace berth::scheduler
