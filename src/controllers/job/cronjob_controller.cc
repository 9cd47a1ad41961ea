#include "controllers/job/cronjob_controller.h"

#include <algorithm>
#include <cstdlib>
#include <set>
#include <vector>

#include "api/kinds/batch/cron_schedule.h"
#include "controllers/common/owner_refs.h"
#include "controllers/common/pod_state.h"
#include "controllers/job/cron_times.h"
#include "controllers/job/job_conditions.h"
#include "controllers/job/requeue.h"

namespace berth::controllers {

namespace {

using controller::ObjectPtr;

const char* const kBatch = "/apis/batch/v1";
const char* const kScheduledTimestamp = "batch.kubernetes.io/cronjob-scheduled-timestamp";

int64_t ParseRv(const std::string& rv) { return std::strtoll(rv.c_str(), nullptr, 10); }
std::string NameOf(const json::object& o) { return GetString(o, {"metadata", "name"}); }
std::string UidOf(const json::object& o) { return GetString(o, {"metadata", "uid"}); }

json::object JobRef(const json::object& job) {
  return json::object{{"kind", "Job"},
                      {"namespace", GetString(job, {"metadata", "namespace"})},
                      {"name", NameOf(job)},
                      {"uid", UidOf(job)},
                      {"apiVersion", "batch/v1"},
                      {"resourceVersion", GetString(job, {"metadata", "resourceVersion"})}};
}

// When a finished Job started, for history ordering (startTime, else creation).
std::string StartedAt(const json::object& job) {
  std::string s = GetString(job, {"status", "startTime"});
  return s.empty() ? GetString(job, {"metadata", "creationTimestamp"}) : s;
}

json::object MakeJob(const json::object& cronjob, const std::string& name,
                     Clock::time_point scheduled) {
  json::object md{{"name", name},
                  {"namespace", GetString(cronjob, {"metadata", "namespace"})},
                  {"ownerReferences", json::array{MakeControllerRef(cronjob)}}};
  json::object annotations;
  if (const json::value* tm = GetPath(cronjob, {"spec", "jobTemplate", "metadata"});
      tm != nullptr && tm->is_object()) {
    if (const json::value* l = tm->as_object().if_contains("labels"); l && l->is_object()) {
      md["labels"] = *l;
    }
    if (const json::value* a = tm->as_object().if_contains("annotations"); a && a->is_object()) {
      annotations = a->as_object();
    }
  }
  annotations[kScheduledTimestamp] = FormatRfc3339(scheduled);
  md["annotations"] = std::move(annotations);
  json::object job{{"apiVersion", "batch/v1"}, {"kind", "Job"}, {"metadata", std::move(md)}};
  if (const json::value* s = GetPath(cronjob, {"spec", "jobTemplate", "spec"})) job["spec"] = *s;
  return job;
}

}  // namespace

CronJobController::CronJobController(const controller::Context& ctx)
    : QueueController(ctx),
      cronjobs_(ctx.informers->For("/apis/batch/v1/cronjobs")),
      jobs_(ctx.informers->For("/apis/batch/v1/jobs")) {
  cronjobs_->AddHandler(EnqueueOnEvents());
  auto owner_key = [this](const ObjectPtr& job) {
    const json::object* ref = ControllerRefOf(*job);
    if (ref == nullptr || GetString(*ref, {"kind"}) != "CronJob") return;
    queue_.Add(GetString(*job, {"metadata", "namespace"}) + "/" + GetString(*ref, {"name"}));
  };
  jobs_->AddHandler(controller::EventHandler{
      owner_key,
      [owner_key](const ObjectPtr&, const ObjectPtr& o) { owner_key(o); },
      owner_key,
  });
}

CronJobController::~CronJobController() { Stop(); }

Status CronJobController::DeleteJob(const json::object& cronjob, const std::string& ns,
                                    const std::string& name) {
  Status st = ctx_.client->Delete(ObjectPath(kBatch, ns, "jobs", name),
                                  json::object{{"propagationPolicy", "Background"}});
  if (!st.ok() && st.reason() != Reason::kNotFound) {
    ctx_.recorder->Record(client::RefTo(cronjob), "Warning", "FailedDelete",
                          "Deleted job " + name + ": " + st.message());
    return st;
  }
  if (st.ok()) {
    ctx_.recorder->Record(client::RefTo(cronjob), "Normal", "SuccessfulDelete",
                          "Deleted job " + name);
  }
  return Status();
}

Status CronJobController::WriteStatus(const std::string& key, json::object& cronjob) {
  auto r = ctx_.client->Update(ObjectPath(kBatch, GetString(cronjob, {"metadata", "namespace"}),
                                          "cronjobs", NameOf(cronjob)) +
                                   "/status",
                               cronjob);
  if (!r.ok()) return r.status();
  std::string rv = GetString(*r, {"metadata", "resourceVersion"});
  cronjob["metadata"].as_object()["resourceVersion"] = rv;
  std::lock_guard<std::mutex> lock(mu_);
  written_rv_[key] = ParseRv(rv);
  return Status();
}

Status CronJobController::Sync(const std::string& key) {
  std::string ns;
  std::string name;
  controller::SplitKey(key, &ns, &name);
  ObjectPtr cached = cronjobs_->GetByKey(key);
  if (cached == nullptr) {
    std::lock_guard<std::mutex> lock(mu_);
    written_rv_.erase(key);
    return Status();
  }
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = written_rv_.find(key);
    if (it != written_rv_.end() &&
        it->second > ParseRv(GetString(*cached, {"metadata", "resourceVersion"}))) {
      return Status();  // our last write is not cached yet; its event queues us again
    }
  }
  json::object cj = *cached;
  cj["apiVersion"] = "batch/v1";
  cj["kind"] = "CronJob";
  const std::string uid = UidOf(cj);
  const auto now = ctx_.clock->Now();
  json::value& status_v = cj["status"];
  if (!status_v.is_object()) status_v = json::object();
  json::object& status = status_v.as_object();
  const json::object original = status;

  // --- Reconcile status.active with the Jobs this CronJob controls.
  std::vector<ObjectPtr> children;
  for (const ObjectPtr& j : jobs_->List(ns)) {
    if (IsControlledBy(*j, uid)) children.push_back(j);
  }
  json::array active;
  if (const json::value* a = status.if_contains("active"); a && a->is_array()) {
    active = a->as_array();
  }
  auto in_active = [&](const std::string& job_uid) {
    for (const json::value& r : active) {
      if (r.is_object() && GetString(r.as_object(), {"uid"}) == job_uid) return true;
    }
    return false;
  };
  auto drop_active = [&](const std::string& job_uid) {
    json::array kept;
    for (const json::value& r : active) {
      if (!r.is_object() || GetString(r.as_object(), {"uid"}) != job_uid) kept.push_back(r);
    }
    active = std::move(kept);
  };
  std::set<std::string> child_uids;
  Clock::time_point last_success{};
  bool has_success = ParseRfc3339(GetString(status, {"lastSuccessfulTime"}), &last_success);
  for (const ObjectPtr& j : children) {
    const std::string juid = UidOf(*j);
    child_uids.insert(juid);
    const bool finished = IsJobFinished(*j);
    if (!finished && !in_active(juid) && !IsBeingDeleted(*j)) active.push_back(JobRef(*j));
    if (finished && in_active(juid)) {
      drop_active(juid);
      std::string cond = JobConditionTrue(*j, "Complete") ? "Complete" : "Failed";
      ctx_.recorder->Record(client::RefTo(cj), "Normal", "SawCompletedJob",
                            "Saw completed job: " + NameOf(*j) + ", condition: " + cond);
    }
    Clock::time_point done;
    if (JobConditionTrue(*j, "Complete") &&
        ParseRfc3339(GetString(*j, {"status", "completionTime"}), &done) &&
        (!has_success || done > last_success)) {
      last_success = done;
      has_success = true;
      status["lastSuccessfulTime"] = FormatRfc3339(done);
    }
  }
  // References to Jobs that are gone.
  for (const json::value& r : json::array(active)) {
    if (!r.is_object()) continue;
    std::string juid = GetString(r.as_object(), {"uid"});
    if (child_uids.count(juid) != 0) continue;
    auto got = ctx_.client->Get(ObjectPath(kBatch, ns, "jobs", GetString(r.as_object(), {"name"})));
    if (!got.ok() && got.status().reason() == Reason::kNotFound) drop_active(juid);
    if (got.ok() && UidOf(got->as_object()) != juid) drop_active(juid);
  }
  auto finish = [&](Status result) -> Status {
    if (active.empty()) {
      status.erase("active");
    } else {
      status["active"] = active;
    }
    if (json::value(status) != json::value(original)) {
      BERTH_RETURN_IF_ERROR(WriteStatus(key, cj));
    }
    return result;
  };
  if (IsBeingDeleted(cj)) return finish(Status());

  // --- History limits: delete the oldest finished Jobs beyond them.
  Status result;
  for (const char* which : {"Complete", "Failed"}) {
    const char* limit_field =
        std::string(which) == "Complete" ? "successfulJobsHistoryLimit" : "failedJobsHistoryLimit";
    const json::value* limit_v = GetPath(cj, {"spec", limit_field});
    if (limit_v == nullptr || !limit_v->is_number()) continue;
    const int64_t limit = GetInt(cj, {"spec", limit_field});
    std::vector<ObjectPtr> done;
    for (const ObjectPtr& j : children) {
      if (JobConditionTrue(*j, which) && !IsBeingDeleted(*j)) done.push_back(j);
    }
    if (static_cast<int64_t>(done.size()) <= limit) continue;
    std::sort(done.begin(), done.end(),
              [](const ObjectPtr& a, const ObjectPtr& b) { return StartedAt(*a) < StartedAt(*b); });
    for (size_t i = 0; i + static_cast<size_t>(limit) < done.size(); ++i) {
      Status st = DeleteJob(cj, ns, NameOf(*done[i]));
      if (!st.ok()) result = st;
    }
  }

  const bool suspended = GetPath(cj, {"spec", "suspend"}) &&
                         GetPath(cj, {"spec", "suspend"})->is_bool() &&
                         GetPath(cj, {"spec", "suspend"})->as_bool();
  if (suspended) return finish(result);

  auto schedule = api::batch::CronSchedule::Parse(GetString(cj, {"spec", "schedule"}));
  if (!schedule.ok()) {
    ctx_.recorder->Record(client::RefTo(cj), "Warning", "UnparseableSchedule",
                          "unparseable schedule: " + GetString(cj, {"spec", "schedule"}) + " : " +
                              schedule.status().message());
    return finish(result);
  }
  const std::string tz = GetString(cj, {"spec", "timeZone"});
  if (!tz.empty() && tz != "UTC" && tz != "Etc/UTC") {
    ctx_.recorder->Record(client::RefTo(cj), "Warning", "UnsupportedTimeZone",
                          "berth evaluates schedules in UTC; timeZone " + tz + " is ignored");
  }

  Clock::time_point earliest;
  if (!ParseRfc3339(GetString(status, {"lastScheduleTime"}), &earliest) &&
      !ParseRfc3339(GetString(cj, {"metadata", "creationTimestamp"}), &earliest)) {
    earliest = now;
  }
  const json::value* sd = GetPath(cj, {"spec", "startingDeadlineSeconds"});
  if (sd != nullptr && sd->is_number()) {
    auto oldest = now - std::chrono::seconds(GetInt(cj, {"spec", "startingDeadlineSeconds"}));
    earliest = std::max(earliest, oldest);
  }
  ScheduleTimes times = ComputeScheduleTimes(*schedule, earliest, now);
  auto requeue = [&] {
    if (times.next) {
      RequeueAt(queue_, *ctx_.clock, key, *times.next + std::chrono::milliseconds(100), now);
    }
  };
  if (!times.most_recent) {
    requeue();
    return finish(result);
  }
  const Clock::time_point scheduled = *times.most_recent;
  const int64_t minutes =
      std::chrono::duration_cast<std::chrono::minutes>(scheduled.time_since_epoch()).count();
  const std::string job_name = name + "-" + std::to_string(minutes);

  // Already ran (the Job exists, maybe created by a sync whose status write was lost).
  bool exists = jobs_->Get(ns, job_name) != nullptr;
  if (!exists) exists = ctx_.client->Get(ObjectPath(kBatch, ns, "jobs", job_name)).ok();
  if (exists) {
    status["lastScheduleTime"] = FormatRfc3339(scheduled);
    requeue();
    return finish(result);
  }

  const std::string policy = GetString(cj, {"spec", "concurrencyPolicy"}, "Allow");
  if (policy == "Forbid" && !active.empty()) {
    ctx_.recorder->Record(client::RefTo(cj), "Normal", "JobAlreadyActive",
                          "Not starting job because prior execution is running and concurrency "
                          "policy is Forbid");
    requeue();
    return finish(result);
  }
  if (policy == "Replace") {
    for (const json::value& r : json::array(active)) {
      if (!r.is_object()) continue;
      Status st = DeleteJob(cj, ns, GetString(r.as_object(), {"name"}));
      if (!st.ok()) return finish(st);
      drop_active(GetString(r.as_object(), {"uid"}));
    }
  }

  auto created =
      ctx_.client->Create(CollectionPath(kBatch, ns, "jobs"), MakeJob(cj, job_name, scheduled));
  if (!created.ok() && created.status().reason() != Reason::kAlreadyExists) {
    ctx_.recorder->Record(client::RefTo(cj), "Warning", "FailedCreate",
                          "Error creating job: " + created.status().message());
    return finish(created.status());
  }
  if (created.ok()) {
    ctx_.recorder->Record(client::RefTo(cj), "Normal", "SuccessfulCreate",
                          "Created job " + job_name);
    if (created->is_object()) active.push_back(JobRef(created->as_object()));
  }
  status["lastScheduleTime"] = FormatRfc3339(scheduled);
  requeue();
  return finish(result);
}

}  // namespace berth::controllers
