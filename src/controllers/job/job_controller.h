// JobController: runs batch/v1 Jobs to completion the way kube-controller-manager's job
// controller does, plus the TTL-after-finished clean-up of finished Jobs.
//
// - Pods: created from spec.template with the job-name/controller-uid labels, a controller
//   reference and the job-tracking finalizer (batch.kubernetes.io/job-tracking); at most
//   `parallelism` active, no more than the completions still needed. Indexed Jobs get one pod
//   per missing completion index (annotation/label batch.kubernetes.io/job-completion-index,
//   env JOB_COMPLETION_INDEX, hostname <job>-<index>).
// - Counting: finished pods are counted through the finalizer protocol (uid first recorded in
//   status.uncountedTerminatedPods, then the finalizer removed, then moved into
//   succeeded/failed/completedIndexes), so a pod deleted after finishing is never lost or
//   counted twice. A pod deleted before it finished counts as failed unless the Job is
//   suspended or finished.
// - Failed pods are replaced after a back-off of 10 s doubling per consecutive failure (max
//   6 min, by the injected clock). failed (+ container restarts of running pods with
//   restartPolicy OnFailure) > backoffLimit fails the Job (BackoffLimitExceeded),
//   so does running past activeDeadlineSeconds (DeadlineExceeded); active pods are then deleted.
// - Completion: SuccessCriteriaMet and Complete conditions, completionTime, event Completed.
// - suspend: active pods deleted, Suspended condition; resuming resets startTime.
// - ttlSecondsAfterFinished: the finished Job is deleted (propagationPolicy Background) once
//   finished + ttl has passed on the injected clock.
// - Events: SuccessfulCreate, SuccessfulDelete, Completed, BackoffLimitExceeded,
//   DeadlineExceeded, Suspended, Resumed.
//
// Thread-safety: Sync may run on several workers for different keys (the WorkQueue never hands
// one key to two workers); shared bookkeeping is behind mu_.
#pragma once

#include <chrono>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "controller/controller.h"

namespace berth::controllers {

class JobController : public controller::QueueController {
 public:
  explicit JobController(const controller::Context& ctx);
  ~JobController() override;
  const char* Name() const override { return "job"; }

 protected:
  Status Sync(const std::string& key) override;

 private:
  struct Expectations {
    int adds = 0;
    int dels = 0;
    std::chrono::steady_clock::time_point at;
  };
  struct Backoff {
    int failures = 0;  // consecutive failures since the last success
    Clock::time_point last_failure;
  };

  // The "ns/name" key of the Job controlling `pod`, "" if none.
  static std::string JobKeyOfPod(const json::object& pod);
  void OnPodEvent(const controller::ObjectPtr& old_pod, const controller::ObjectPtr& pod,
                  bool deleted);
  bool ExpectationsSatisfied(const std::string& key);
  void ExpectAdds(const std::string& key, int n);
  void ExpectDels(const std::string& key, int n);
  void Observed(const std::string& key, bool add);

  // Releases the job-tracking finalizer of pods whose Job is gone or being deleted.
  void ReleasePods(const std::vector<controller::ObjectPtr>& pods);
  Status RemoveFinalizer(const json::object& pod);
  Status DeletePod(const json::object& job, const json::object& pod);
  Status SyncFinished(const std::string& key, const json::object& job,
                      const std::vector<controller::ObjectPtr>& pods);
  Status SyncTtl(const std::string& key, const json::object& job);
  // PUT .../jobs/<name>/status; `job` carries the new status and gets the new resourceVersion.
  Status WriteStatus(const std::string& key, json::object& job);
  // How long replacements of failed pods must still wait at `now` (0 when they need not).
  std::chrono::nanoseconds BackoffRemaining(const std::string& key, Clock::time_point now);

  controller::Informer* jobs_;
  controller::Informer* pods_;

  std::mutex mu_;
  std::map<std::string, Expectations> expectations_;
  std::map<std::string, Backoff> backoff_;
  std::map<std::string, int64_t> written_rv_;  // last status resourceVersion we wrote
  std::set<std::string> finalizer_removed_;    // uids of existing pods we released
};

}  // namespace berth::controllers
