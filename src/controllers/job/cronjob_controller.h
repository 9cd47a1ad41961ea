// CronJobController: creates Jobs from a CronJob's jobTemplate on its schedule, the way
// kube-controller-manager's cronjob controller (v2) does.
//
// - The run due is the most recent scheduled time after status.lastScheduleTime (else the
//   creation time), and no older than startingDeadlineSeconds, at ctx.clock->Now(). Its Job is
//   "<cronjob>-<scheduled time in minutes since the epoch>" with the annotation
//   batch.kubernetes.io/cronjob-scheduled-timestamp (RFC 3339), the template's labels and
//   annotations and a controller reference; an existing Job of that name means the run happened.
// - concurrencyPolicy: Allow runs side by side; Forbid skips the run while a Job is active
//   (JobAlreadyActive; the run starts once the active one finishes, deadline permitting);
//   Replace deletes the active Jobs (propagationPolicy Background) first.
// - suspend: no new runs (existing Jobs keep running).
// - status.active (object references), lastScheduleTime, lastSuccessfulTime are kept up to
//   date from the Jobs it controls (SawCompletedJob); finished Jobs beyond
//   successfulJobsHistoryLimit / failedJobsHistoryLimit are deleted oldest first
//   (SuccessfulDelete).
// - After each sync the CronJob is queued again for its next scheduled time (AddAfter on the
//   injected clock).
// - Time zones: schedules are evaluated in UTC; a CronJob with another spec.timeZone gets a
//   Warning event UnsupportedTimeZone and runs on UTC times.
//
// Thread-safety: as every QueueController (one key is never synced by two workers at once).
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <string>

#include "controller/controller.h"

namespace berth::controllers {

class CronJobController : public controller::QueueController {
 public:
  explicit CronJobController(const controller::Context& ctx);
  ~CronJobController() override;
  const char* Name() const override { return "cronjob"; }

 protected:
  Status Sync(const std::string& key) override;

 private:
  // Deletes a Job with propagationPolicy Background (NotFound is success).
  Status DeleteJob(const json::object& cronjob, const std::string& ns, const std::string& name);
  Status WriteStatus(const std::string& key, json::object& cronjob);

  controller::Informer* cronjobs_;
  controller::Informer* jobs_;
  std::mutex mu_;
  std::map<std::string, int64_t> written_rv_;  // last status resourceVersion we wrote
};

}  // namespace berth::controllers
