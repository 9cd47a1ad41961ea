#include "controllers/job/job_controller.h"

#include <algorithm>
#include <cstdlib>

#include "api/selector/label_selector.h"
#include "controllers/common/owner_refs.h"
#include "controllers/common/pod_state.h"
#include "controllers/job/completed_indexes.h"
#include "controllers/job/job_conditions.h"
#include "controllers/job/job_pods.h"
#include "controllers/job/pod_failure_policy.h"
#include "controllers/job/requeue.h"

namespace berth::controllers {

namespace {

using controller::ObjectPtr;
using std::chrono::seconds;

constexpr auto kExpectationsTimeout = std::chrono::minutes(5);
constexpr auto kBackoffBase = seconds(10);
constexpr auto kBackoffMax = seconds(360);
const char* const kJobsPath = "/apis/batch/v1";

int64_t ParseRv(const std::string& rv) { return std::strtoll(rv.c_str(), nullptr, 10); }

std::string PodUid(const json::object& pod) { return GetString(pod, {"metadata", "uid"}); }
std::string PodName(const json::object& pod) { return GetString(pod, {"metadata", "name"}); }
std::string Phase(const json::object& pod) { return GetString(pod, {"status", "phase"}); }

std::set<std::string> UidSet(const json::object& status, const char* which) {
  std::set<std::string> out;
  const json::value* arr = GetPath(status, {"uncountedTerminatedPods", which});
  if (arr != nullptr && arr->is_array()) {
    for (const json::value& v : arr->as_array()) {
      if (v.is_string()) out.insert(std::string(v.as_string()));
    }
  }
  return out;
}

json::array UidArray(const std::set<std::string>& uids) {
  json::array out;
  for (const auto& u : uids) out.emplace_back(u);
  return out;
}

void SetUncounted(json::object& status, const std::set<std::string>& succeeded,
                  const std::set<std::string>& failed) {
  json::object u;
  if (!succeeded.empty()) u["succeeded"] = UidArray(succeeded);
  if (!failed.empty()) u["failed"] = UidArray(failed);
  status["uncountedTerminatedPods"] = std::move(u);
}

void SetCount(json::object& status, const char* field, int64_t v) {
  if (v > 0) {
    status[field] = v;
  } else {
    status.erase(field);
  }
}

json::object& StatusOf(json::object& job) {
  json::value& s = job["status"];
  if (!s.is_object()) s = json::object();
  return s.as_object();
}

// Pods to delete first: not yet scheduled, then not ready, then the newest.
bool DeleteBefore(const ObjectPtr& a, const ObjectPtr& b) {
  bool a_unsched = GetString(*a, {"spec", "nodeName"}).empty();
  bool b_unsched = GetString(*b, {"spec", "nodeName"}).empty();
  if (a_unsched != b_unsched) return a_unsched;
  bool a_ready = IsPodReady(*a);
  bool b_ready = IsPodReady(*b);
  if (a_ready != b_ready) return !a_ready;
  return GetString(*a, {"metadata", "creationTimestamp"}) >
         GetString(*b, {"metadata", "creationTimestamp"});
}

}  // namespace

JobController::JobController(const controller::Context& ctx)
    : QueueController(ctx),
      jobs_(ctx.informers->For("/apis/batch/v1/jobs")),
      pods_(ctx.informers->For("/api/v1/pods")) {
  jobs_->AddHandler(EnqueueOnEvents());
  pods_->AddHandler(controller::EventHandler{
      [this](const ObjectPtr& o) { OnPodEvent(nullptr, o, false); },
      [this](const ObjectPtr& old, const ObjectPtr& o) { OnPodEvent(old, o, false); },
      [this](const ObjectPtr& o) { OnPodEvent(nullptr, o, true); },
  });
}

JobController::~JobController() { Stop(); }

std::string JobController::JobKeyOfPod(const json::object& pod) {
  const std::string ns = GetString(pod, {"metadata", "namespace"});
  if (const json::object* ref = ControllerRefOf(pod)) {
    if (GetString(*ref, {"kind"}) != "Job") return "";
    return ns + "/" + GetString(*ref, {"name"});
  }
  // An orphan that may be adopted.
  std::string job_name = GetString(pod, {"metadata", "labels", "batch.kubernetes.io/job-name"});
  return job_name.empty() ? "" : ns + "/" + job_name;
}

void JobController::OnPodEvent(const ObjectPtr& old_pod, const ObjectPtr& pod, bool deleted) {
  const std::string key = JobKeyOfPod(*pod);
  if (old_pod != nullptr) {
    std::string old_key = JobKeyOfPod(*old_pod);
    if (!old_key.empty() && old_key != key) queue_.Add(old_key);
  }
  {
    std::lock_guard<std::mutex> lock(mu_);
    // Kept until the pod is gone: a stale cached copy may still show the finalizer.
    if (deleted) finalizer_removed_.erase(PodUid(*pod));
  }
  if (key.empty()) return;
  if (old_pod == nullptr && !deleted) {
    Observed(key, /*add=*/true);
  } else if (deleted ? !IsBeingDeleted(*pod)
                     : (IsBeingDeleted(*pod) && !IsBeingDeleted(*old_pod))) {
    Observed(key, /*add=*/false);
  }
  queue_.Add(key);
}

bool JobController::ExpectationsSatisfied(const std::string& key) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = expectations_.find(key);
  if (it == expectations_.end()) return true;
  if (it->second.adds <= 0 && it->second.dels <= 0) return true;
  return ctx_.clock->Monotonic() - it->second.at > kExpectationsTimeout;
}

void JobController::ExpectAdds(const std::string& key, int n) {
  std::lock_guard<std::mutex> lock(mu_);
  Expectations& e = expectations_[key];
  e.adds = std::max(e.adds, 0) + n;
  e.at = ctx_.clock->Monotonic();
}

void JobController::ExpectDels(const std::string& key, int n) {
  std::lock_guard<std::mutex> lock(mu_);
  Expectations& e = expectations_[key];
  e.dels = std::max(e.dels, 0) + n;
  e.at = ctx_.clock->Monotonic();
}

void JobController::Observed(const std::string& key, bool add) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = expectations_.find(key);
  if (it == expectations_.end()) return;
  (add ? it->second.adds : it->second.dels)--;
}

Status JobController::RemoveFinalizer(const json::object& pod) {
  const json::value* f = GetPath(pod, {"metadata", "finalizers"});
  if (f == nullptr || !f->is_array()) return Status();
  const json::array& fins = f->as_array();
  for (size_t i = 0; i < fins.size(); ++i) {
    if (!fins[i].is_string() || fins[i].as_string() != kJobTrackingFinalizer) continue;
    const std::string p = "/metadata/finalizers/" + std::to_string(i);
    json::array patch{json::object{{"op", "test"}, {"path", p}, {"value", kJobTrackingFinalizer}},
                      json::object{{"op", "remove"}, {"path", p}}};
    auto r = ctx_.client->Patch(PodPath(pod), patch, client::PatchType::kJson);
    if (!r.ok() && r.status().reason() != Reason::kNotFound) return r.status();
    std::lock_guard<std::mutex> lock(mu_);
    finalizer_removed_.insert(PodUid(pod));
    return Status();
  }
  return Status();
}

void JobController::ReleasePods(const std::vector<ObjectPtr>& pods) {
  for (const ObjectPtr& p : pods) {
    if (HasJobTrackingFinalizer(*p)) (void)RemoveFinalizer(*p);
  }
}

Status JobController::DeletePod(const json::object& job, const json::object& pod) {
  json::object opts{{"preconditions", json::object{{"uid", PodUid(pod)}}}};
  Status st = ctx_.client->Delete(PodPath(pod), opts);
  if (!st.ok() && st.reason() != Reason::kNotFound) {
    ctx_.recorder->Record(client::RefTo(job), "Warning", "FailedDelete",
                          "Error deleting: " + st.message());
    return st;
  }
  if (st.ok()) {
    ctx_.recorder->Record(client::RefTo(job), "Normal", "SuccessfulDelete",
                          "Deleted pod: " + PodName(pod));
  }
  return Status();
}

Status JobController::WriteStatus(const std::string& key, json::object& job) {
  const std::string path = ObjectPath(kJobsPath, GetString(job, {"metadata", "namespace"}), "jobs",
                                      GetString(job, {"metadata", "name"})) +
                           "/status";
  auto r = ctx_.client->Update(path, job);
  if (!r.ok()) return r.status();
  std::string rv = GetString(*r, {"metadata", "resourceVersion"});
  job["metadata"].as_object()["resourceVersion"] = rv;
  std::lock_guard<std::mutex> lock(mu_);
  written_rv_[key] = ParseRv(rv);
  return Status();
}

std::chrono::nanoseconds JobController::BackoffRemaining(const std::string& key,
                                                         Clock::time_point now) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = backoff_.find(key);
  if (it == backoff_.end() || it->second.failures <= 0) return std::chrono::nanoseconds(0);
  auto delay = kBackoffBase;
  for (int i = 1; i < it->second.failures && delay < kBackoffMax; ++i) delay *= 2;
  delay = std::min<seconds>(delay, kBackoffMax);
  auto remaining = it->second.last_failure + delay - now;
  return std::max<std::chrono::nanoseconds>(remaining, std::chrono::nanoseconds(0));
}

Status JobController::SyncTtl(const std::string& key, const json::object& job) {
  const json::value* ttl = GetPath(job, {"spec", "ttlSecondsAfterFinished"});
  if (ttl == nullptr || !ttl->is_number()) return Status();
  Clock::time_point finished;
  if (!JobFinishTime(job, &finished)) return Status();
  auto expiry = finished + seconds(GetInt(job, {"spec", "ttlSecondsAfterFinished"}));
  auto now = ctx_.clock->Now();
  if (now < expiry) {
    RequeueAt(queue_, *ctx_.clock, key, expiry, now);
    return Status();
  }
  json::object opts{{"propagationPolicy", "Background"},
                    {"preconditions", json::object{{"uid", GetString(job, {"metadata", "uid"})}}}};
  Status st = ctx_.client->Delete(ObjectPath(kJobsPath, GetString(job, {"metadata", "namespace"}),
                                             "jobs", GetString(job, {"metadata", "name"})),
                                  opts);
  if (!st.ok() && st.reason() != Reason::kNotFound) return st;
  return Status();
}

Status JobController::Sync(const std::string& key) {
  std::string ns;
  std::string name;
  controller::SplitKey(key, &ns, &name);
  ObjectPtr cached = jobs_->GetByKey(key);
  if (cached == nullptr) {
    std::vector<ObjectPtr> orphans;
    for (const ObjectPtr& p : pods_->List(ns)) {
      const json::object* ref = ControllerRefOf(*p);
      if (ref != nullptr && GetString(*ref, {"kind"}) == "Job" &&
          GetString(*ref, {"name"}) == name && HasJobTrackingFinalizer(*p)) {
        orphans.push_back(p);
      }
    }
    ReleasePods(orphans);
    std::lock_guard<std::mutex> lock(mu_);
    expectations_.erase(key);
    backoff_.erase(key);
    written_rv_.erase(key);
    return Status();
  }
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = written_rv_.find(key);
    // Our last status write is not in the cache yet: its update event will queue us again.
    if (it != written_rv_.end() &&
        it->second > ParseRv(GetString(*cached, {"metadata", "resourceVersion"}))) {
      return Status();
    }
  }
  json::object job = *cached;
  job["apiVersion"] = "batch/v1";
  job["kind"] = "Job";
  json::object spec;
  if (const json::value* s = GetPath(job, {"spec"}); s != nullptr && s->is_object()) {
    spec = s->as_object();
  }
  const json::value* sel_json = GetPath(job, {"spec", "selector"});
  auto selector = api::selector::FromLabelSelectorJson(sel_json ? *sel_json : json::value());
  if (!selector.ok()) return selector.status();
  std::vector<ObjectPtr> pods = ClaimObjects(ctx_.client, job, *selector, pods_->List(ns), PodPath);

  if (IsBeingDeleted(job)) {
    ReleasePods(pods);
    return Status();
  }

  const auto now = ctx_.clock->Now();
  const bool finished = IsJobFinished(job);
  const bool suspended = GetPath(spec, {"suspend"}) && GetPath(spec, {"suspend"})->is_bool() &&
                         GetPath(spec, {"suspend"})->as_bool();
  const bool indexed = GetString(spec, {"completionMode"}) == "Indexed";
  const json::value* completions_v = GetPath(spec, {"completions"});
  const bool has_completions = completions_v != nullptr && completions_v->is_number();
  const int64_t completions = GetInt(spec, {"completions"}, 1);
  const int64_t parallelism = GetInt(spec, {"parallelism"}, 1);
  const int64_t backoff_limit = GetInt(spec, {"backoffLimit"}, 6);
  const bool has_policy = HasPodFailurePolicy(spec);
  const json::object original_status = StatusOf(job);

  // --- Step 1: record newly finished pods as uncounted (written before finalizers go).
  json::object& status = StatusOf(job);
  std::set<std::string> unc_succ = UidSet(status, "succeeded");
  std::set<std::string> unc_fail = UidSet(status, "failed");
  std::map<std::string, ObjectPtr> by_uid;
  std::vector<ObjectPtr> to_release;
  bool recorded = false;
  for (const ObjectPtr& p : pods) {
    const std::string uid = PodUid(*p);
    by_uid[uid] = p;
    if (!HasJobTrackingFinalizer(*p)) continue;
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (finalizer_removed_.count(uid) != 0) continue;
    }
    const std::string phase = Phase(*p);
    const bool deleting = IsBeingDeleted(*p);
    const bool terminal = phase == "Succeeded" || phase == "Failed";
    if (unc_succ.count(uid) != 0 || unc_fail.count(uid) != 0) {
      to_release.push_back(p);
    } else if (phase == "Succeeded") {
      unc_succ.insert(uid);
      recorded = true;
      to_release.push_back(p);
    } else if (has_policy && deleting && !terminal && !suspended && !finished &&
               !GetString(*p, {"spec", "nodeName"}).empty()) {
      // With a podFailurePolicy, a pod being deleted is judged once the node reports how it
      // ended (its exit codes may decide), as kube's Job controller does.
      continue;
    } else if (phase == "Failed" || (deleting && !suspended && !finished)) {
      const FailureMatch match = has_policy ? MatchPodFailurePolicy(spec, *p) : FailureMatch{};
      if (match.action == FailureAction::kIgnore) {
        to_release.push_back(p);  // not counted towards backoffLimit; replaced
        continue;
      }
      if (match.action == FailureAction::kFailJob && !JobConditionTrue(job, "FailureTarget")) {
        SetJobCondition(status, "FailureTarget", "True", "PodFailurePolicy", match.message, now);
      }
      unc_fail.insert(uid);
      recorded = true;
      to_release.push_back(p);
    } else if (deleting || finished) {
      to_release.push_back(p);  // released without counting
    }
  }
  if (recorded) {
    SetUncounted(status, unc_succ, unc_fail);
    BERTH_RETURN_IF_ERROR(WriteStatus(key, job));
  }
  // --- Step 2: release the finalizers.
  std::set<std::string> released_now;
  for (const ObjectPtr& p : to_release) {
    if (RemoveFinalizer(*p).ok()) released_now.insert(PodUid(*p));
  }
  // --- Step 3: move released pods from uncounted into the counts.
  auto released = [&](const std::string& uid) {
    auto it = by_uid.find(uid);
    if (it == by_uid.end() || !HasJobTrackingFinalizer(*it->second)) return true;
    if (released_now.count(uid) != 0) return true;
    std::lock_guard<std::mutex> lock(mu_);
    return finalizer_removed_.count(uid) != 0;
  };
  std::set<int> completed =
      indexed ? ParseIndexes(GetString(status, {"completedIndexes"}), static_cast<int>(completions))
              : std::set<int>();
  int64_t succeeded = GetInt(status, {"succeeded"});
  int64_t failed = GetInt(status, {"failed"});
  int new_succ = 0;
  int new_fail = 0;
  Clock::time_point last_failure{};
  for (auto it = unc_succ.begin(); it != unc_succ.end();) {
    if (!released(*it)) {
      ++it;
      continue;
    }
    auto p = by_uid.find(*it);
    if (indexed && p != by_uid.end()) {
      int idx = PodCompletionIndex(*p->second);
      if (idx >= 0 && idx < completions) completed.insert(idx);
    }
    ++new_succ;
    it = unc_succ.erase(it);
  }
  for (auto it = unc_fail.begin(); it != unc_fail.end();) {
    if (!released(*it)) {
      ++it;
      continue;
    }
    auto p = by_uid.find(*it);
    Clock::time_point at = now;
    if (p != by_uid.end()) (void)ParseRfc3339(PodFinishedAt(*p->second, ""), &at);
    last_failure = std::max(last_failure, at);
    ++new_fail;
    it = unc_fail.erase(it);
  }
  succeeded = indexed ? static_cast<int64_t>(completed.size()) : succeeded + new_succ;
  failed += new_fail;
  SetUncounted(status, unc_succ, unc_fail);
  SetCount(status, "succeeded", succeeded);
  SetCount(status, "failed", failed);
  if (indexed) {
    std::string text = FormatIndexes(completed);
    status["completedIndexes"] = text;
  }
  if (new_succ > 0 || new_fail > 0) {
    std::lock_guard<std::mutex> lock(mu_);
    Backoff& b = backoff_[key];
    if (new_succ > 0) b.failures = 0;
    if (new_fail > 0) {
      b.failures += new_fail;
      b.last_failure = std::max(b.last_failure, last_failure);
    }
  }
  const int64_t succ_total = succeeded + static_cast<int64_t>(unc_succ.size());
  const int64_t failed_total = failed + static_cast<int64_t>(unc_fail.size());

  std::vector<ObjectPtr> active;
  // podReplacementPolicy Failed (the default with a podFailurePolicy): a pod being deleted is
  // replaced only once it has reached a terminal phase.
  std::vector<ObjectPtr> terminating;
  const bool replace_when_failed = GetString(spec, {"podReplacementPolicy"}) == "Failed";
  for (const ObjectPtr& p : pods) {
    const std::string phase = Phase(*p);
    if (IsPodActive(*p)) {
      active.push_back(p);
    } else if (replace_when_failed && phase != "Succeeded" && phase != "Failed") {
      terminating.push_back(p);
    }
  }

  Status result;
  if (finished) {
    for (const ObjectPtr& p : active) {
      Status st = DeletePod(job, *p);
      if (!st.ok()) result = st;
    }
    status.erase("active");
    status["ready"] = 0;
    if (json::value(status) != json::value(original_status)) {
      BERTH_RETURN_IF_ERROR(WriteStatus(key, job));
    }
    if (!result.ok()) return result;
    return SyncTtl(key, job);
  }

  // --- Finished now?
  std::string fail_reason;
  std::string fail_message;
  Clock::time_point start{};
  const bool has_start = ParseRfc3339(GetString(status, {"startTime"}), &start);
  const json::value* deadline_v = GetPath(spec, {"activeDeadlineSeconds"});
  const bool has_deadline = deadline_v != nullptr && deadline_v->is_number();
  const auto deadline = seconds(GetInt(spec, {"activeDeadlineSeconds"}));
  // With restartPolicy OnFailure, container restarts of running pods count as failures too.
  int64_t restarts = 0;
  if (GetString(spec, {"template", "spec", "restartPolicy"}) == "OnFailure") {
    for (const ObjectPtr& p : active) {
      const json::value* cs = GetPath(*p, {"status", "containerStatuses"});
      if (cs == nullptr || !cs->is_array()) continue;
      for (const json::value& c : cs->as_array()) {
        if (c.is_object()) restarts += GetInt(c.as_object(), {"restartCount"});
      }
    }
  }
  if (const json::object* target = FindJobCondition(job, "FailureTarget");
      target != nullptr && GetString(*target, {"status"}) == "True") {
    // Decided earlier (a FailJob rule of the podFailurePolicy).
    fail_reason = GetString(*target, {"reason"});
    fail_message = GetString(*target, {"message"});
  } else if (failed_total + restarts > backoff_limit) {
    fail_reason = "BackoffLimitExceeded";
    fail_message = "Job has reached the specified backoff limit";
  } else if (!suspended && has_deadline && has_start && now >= start + deadline) {
    fail_reason = "DeadlineExceeded";
    fail_message = "Job was active longer than specified deadline";
  }
  bool complete = false;
  if (fail_reason.empty()) {
    if (indexed) {
      complete = static_cast<int64_t>(completed.size()) >= completions;
    } else if (has_completions) {
      complete = succ_total >= completions;
    } else {
      complete = succ_total > 0 && active.empty();
    }
  }
  if (!fail_reason.empty() || complete) {
    ExpectDels(key, static_cast<int>(active.size()));
    for (const ObjectPtr& p : active) {
      Status st = DeletePod(job, *p);
      if (!st.ok()) result = st;
    }
    status.erase("active");
    status["ready"] = 0;
    if (!fail_reason.empty()) {
      SetJobCondition(status, "FailureTarget", "True", fail_reason, fail_message, now);
      SetJobCondition(status, "Failed", "True", fail_reason, fail_message, now);
      ctx_.recorder->Record(client::RefTo(job), "Warning", fail_reason, fail_message);
    } else {
      SetJobCondition(status, "SuccessCriteriaMet", "True", "CompletionsReached",
                      "Reached expected number of succeeded pods", now);
      SetJobCondition(status, "Complete", "True", "CompletionsReached",
                      "Reached expected number of succeeded pods", now);
      status["completionTime"] = FormatRfc3339(now);
      ctx_.recorder->Record(client::RefTo(job), "Normal", "Completed", "Job completed");
    }
    if (!has_start) status["startTime"] = FormatRfc3339(now);
    BERTH_RETURN_IF_ERROR(WriteStatus(key, job));
    if (!result.ok()) return result;
    return SyncTtl(key, job);
  }

  // --- Running (or suspended): manage the pods.
  int64_t active_count = static_cast<int64_t>(active.size());
  std::vector<ObjectPtr> to_delete;
  std::vector<int> to_create;  // completion indexes (-1 for NonIndexed)
  if (suspended) {
    to_delete = active;
    if (SetJobCondition(status, "Suspended", "True", "JobSuspended", "Job suspended", now)) {
      ctx_.recorder->Record(client::RefTo(job), "Normal", "Suspended", "Job suspended");
    }
  } else {
    if (JobConditionTrue(job, "Suspended")) {
      SetJobCondition(status, "Suspended", "False", "JobResumed", "Job resumed", now);
      ctx_.recorder->Record(client::RefTo(job), "Normal", "Resumed", "Job resumed");
      status["startTime"] = FormatRfc3339(now);
      start = now;
    } else if (!has_start) {
      status["startTime"] = FormatRfc3339(now);
      start = now;
    }
    if (has_deadline) RequeueAt(queue_, *ctx_.clock, key, start + deadline, now);

    if (ExpectationsSatisfied(key)) {
      if (indexed) {
        std::set<int> running;
        for (const ObjectPtr& p : terminating) running.insert(PodCompletionIndex(*p));
        std::vector<ObjectPtr> keep;
        for (const ObjectPtr& p : active) {
          int idx = PodCompletionIndex(*p);
          if (idx < 0 || idx >= completions || completed.count(idx) != 0 ||
              running.count(idx) != 0) {
            to_delete.push_back(p);
          } else {
            running.insert(idx);
            keep.push_back(p);
          }
        }
        int64_t want =
            std::min<int64_t>(parallelism, completions - static_cast<int64_t>(completed.size()));
        int64_t have = static_cast<int64_t>(keep.size());
        if (have > want) {
          std::sort(keep.begin(), keep.end(), DeleteBefore);
          for (int64_t i = 0; i < have - want; ++i) to_delete.push_back(keep[i]);
        }
        for (int i = 0; i < completions && have + static_cast<int64_t>(to_create.size()) < want;
             ++i) {
          if (completed.count(i) == 0 && running.count(i) == 0) to_create.push_back(i);
        }
      } else {
        int64_t want = 0;
        if (has_completions) {
          want = std::max<int64_t>(0, std::min<int64_t>(parallelism, completions - succ_total));
        } else {
          want = succ_total > 0 ? 0 : parallelism;
        }
        if (active_count > want) {
          std::vector<ObjectPtr> sorted = active;
          std::sort(sorted.begin(), sorted.end(), DeleteBefore);
          for (int64_t i = 0; i < active_count - want; ++i) to_delete.push_back(sorted[i]);
        }
        const int64_t occupied = active_count + static_cast<int64_t>(terminating.size());
        for (int64_t i = occupied; i < want; ++i) to_create.push_back(-1);
      }
      if (!to_create.empty()) {
        auto wait = BackoffRemaining(key, now);
        if (wait.count() > 0) {
          RequeueAt(queue_, *ctx_.clock, key, now + wait, now);
          to_create.clear();
        }
      }
    }
  }

  if (!to_delete.empty()) {
    ExpectDels(key, static_cast<int>(to_delete.size()));
    for (const ObjectPtr& p : to_delete) {
      Status st = DeletePod(job, *p);
      if (st.ok()) {
        --active_count;
      } else {
        Observed(key, /*add=*/false);
        result = st;
      }
    }
  }
  if (!to_create.empty()) {
    ExpectAdds(key, static_cast<int>(to_create.size()));
    const std::string collection = CollectionPath("/api/v1", ns, "pods");
    for (int idx : to_create) {
      auto r = ctx_.client->Create(collection, PodForJob(job, idx));
      if (!r.ok()) {
        Observed(key, /*add=*/true);
        ctx_.recorder->Record(client::RefTo(job), "Warning", "FailedCreate",
                              "Error creating: " + r.status().message());
        result = r.status();
        continue;
      }
      ++active_count;
      ctx_.recorder->Record(client::RefTo(job), "Normal", "SuccessfulCreate",
                            "Created pod: " + GetString(*r, {"metadata", "name"}));
    }
  }

  int64_t ready = 0;
  std::set<const json::object*> deleted;
  for (const ObjectPtr& p : to_delete) deleted.insert(p.get());
  for (const ObjectPtr& p : active) {
    if (deleted.count(p.get()) == 0 && IsPodReady(*p)) ++ready;
  }
  SetCount(status, "active", active_count);
  status["ready"] = ready;
  if (json::value(status) != json::value(original_status)) {
    BERTH_RETURN_IF_ERROR(WriteStatus(key, job));
  }
  return result;
}

}  // namespace berth::controllers
