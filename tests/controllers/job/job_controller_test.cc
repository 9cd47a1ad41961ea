// JobController against a real in-process API server with simulated time; pods are finished
// by patching their status (no node agent).
#include "controllers/job/job_controller.h"

#include <gtest/gtest.h>

#include <set>

#include "controllers/job/batch_fixture.h"
#include "controllers/job/job_pods.h"

namespace berth::controllers {
namespace {

using batchtest::Job;
using batchtest::kJobs;
using batchtest::kPods;
using std::chrono::seconds;

using JobControllerTest = batchtest::JobTest;

TEST_F(JobControllerTest, RunsCompletionsWithParallelism) {
  cp_.Create(kJobs, Job("calc", json::object{{"completions", 3}, {"parallelism", 2}}));
  Sync("calc");
  auto pods = PodsOf("calc");
  ASSERT_EQ(pods.size(), 2u);
  json::object job = GetJob("calc");
  const std::string uid = GetString(job, {"metadata", "uid"});
  for (const auto& p : pods) {
    EXPECT_EQ(GetString(p, {"metadata", "labels", "batch.kubernetes.io/controller-uid"}), uid);
    EXPECT_EQ(GetString(p, {"metadata", "labels", "controller-uid"}), uid);
    EXPECT_EQ(GetString(p, {"metadata", "labels", "job-name"}), "calc");
    EXPECT_EQ(GetString(p, {"metadata", "ownerReferences"}), "");
    EXPECT_TRUE(HasJobTrackingFinalizer(p));
    const json::value* refs = GetPath(p, {"metadata", "ownerReferences"});
    ASSERT_TRUE(refs && refs->is_array() && refs->as_array().size() == 1);
    EXPECT_EQ(GetString(refs->as_array()[0].as_object(), {"uid"}), uid);
    EXPECT_EQ(GetString(refs->as_array()[0].as_object(), {"kind"}), "Job");
  }
  EXPECT_EQ(GetInt(job, {"status", "active"}), 2);
  EXPECT_FALSE(GetString(job, {"status", "startTime"}).empty());

  MarkReady(pods[1]);
  Finish(pods[0], 0);
  Sync("calc");
  job = GetJob("calc");
  EXPECT_EQ(GetInt(job, {"status", "succeeded"}), 1);
  EXPECT_EQ(GetInt(job, {"status", "active"}), 2);
  EXPECT_EQ(GetInt(job, {"status", "ready"}), 1);
  EXPECT_EQ(GetPath(job, {"status", "uncountedTerminatedPods", "succeeded"}), nullptr);
  // The counted pod lost its finalizer; a replacement keeps two running.
  EXPECT_FALSE(
      HasJobTrackingFinalizer(cp_.MustGet(kPods + "/" + GetString(pods[0], {"metadata", "name"}))));
  EXPECT_EQ(RunningPodsOf("calc").size(), 2u);
  EXPECT_EQ(Condition(job, "Complete"), "");

  // A repeated sync counts nothing twice and creates nothing.
  Sync("calc");
  EXPECT_EQ(GetInt(GetJob("calc"), {"status", "succeeded"}), 1);
  EXPECT_EQ(PodsOf("calc").size(), 3u);

  for (const auto& p : RunningPodsOf("calc")) Finish(p, 0);
  Sync("calc");
  job = GetJob("calc");
  EXPECT_EQ(GetInt(job, {"status", "succeeded"}), 3);
  EXPECT_EQ(GetInt(job, {"status", "active"}), 0);
  EXPECT_EQ(Condition(job, "Complete"), "True");
  EXPECT_EQ(Condition(job, "SuccessCriteriaMet"), "True");
  EXPECT_FALSE(GetString(job, {"status", "completionTime"}).empty());
  EXPECT_EQ(PodsOf("calc").size(), 3u);
  EXPECT_TRUE(HasEvent("Completed: Job completed"));
  int creates = 0;
  for (const auto& e : Events()) creates += e.rfind("SuccessfulCreate: Created pod: calc-", 0) == 0;
  EXPECT_EQ(creates, 3);
}

TEST_F(JobControllerTest, BackoffLimitWithDelayedReplacement) {
  cp_.Create(kJobs, Job("flaky", json::object{{"backoffLimit", 1}}));
  Sync("flaky");
  auto pods = PodsOf("flaky");
  ASSERT_EQ(pods.size(), 1u);
  Finish(pods[0], 1);
  Sync("flaky");
  json::object job = GetJob("flaky");
  EXPECT_EQ(GetInt(job, {"status", "failed"}), 1);
  EXPECT_EQ(Condition(job, "Failed"), "");
  // Replacement waits for the 10 s back-off.
  EXPECT_TRUE(RunningPodsOf("flaky").empty());
  cp_.clock.Advance(seconds(5));
  Sync("flaky");
  EXPECT_TRUE(RunningPodsOf("flaky").empty());
  cp_.clock.Advance(seconds(6));
  Sync("flaky");
  auto running = RunningPodsOf("flaky");
  ASSERT_EQ(running.size(), 1u);
  Finish(running[0], 1);
  Sync("flaky");
  job = GetJob("flaky");
  EXPECT_EQ(GetInt(job, {"status", "failed"}), 2);
  EXPECT_EQ(Condition(job, "Failed"), "True");
  EXPECT_EQ(Condition(job, "Failed", "reason"), "BackoffLimitExceeded");
  EXPECT_EQ(Condition(job, "Failed", "message"), "Job has reached the specified backoff limit");
  EXPECT_EQ(Condition(job, "Complete"), "");
  EXPECT_TRUE(GetString(job, {"status", "completionTime"}).empty());
  EXPECT_TRUE(HasEvent("BackoffLimitExceeded: Job has reached the specified backoff limit"));
  // Finished: nothing more is created.
  cp_.clock.Advance(seconds(100));
  Sync("flaky");
  EXPECT_TRUE(RunningPodsOf("flaky").empty());
}

TEST_F(JobControllerTest, ActiveDeadlineFailsJobAndDeletesPods) {
  cp_.Create(kJobs, Job("slow", json::object{{"parallelism", 2},
                                             {"completions", 4},
                                             {"activeDeadlineSeconds", 30}}));
  Sync("slow");
  ASSERT_EQ(PodsOf("slow").size(), 2u);
  cp_.clock.Advance(seconds(29));
  Sync("slow");
  EXPECT_EQ(Condition(GetJob("slow"), "Failed"), "");
  cp_.clock.Advance(seconds(2));
  Sync("slow");
  json::object job = GetJob("slow");
  EXPECT_EQ(Condition(job, "Failed"), "True");
  EXPECT_EQ(Condition(job, "Failed", "reason"), "DeadlineExceeded");
  EXPECT_EQ(Condition(job, "Failed", "message"), "Job was active longer than specified deadline");
  EXPECT_EQ(GetInt(job, {"status", "active"}), 0);
  EXPECT_TRUE(HasEvent("DeadlineExceeded: Job was active longer than specified deadline"));
  // Deleted pods wait for the tracking finalizer; the next sync releases them.
  Sync("slow");
  ASSERT_TRUE(cp_.WaitFor([&] { return PodsOf("slow", true).empty(); }));
  EXPECT_EQ(GetInt(GetJob("slow"), {"status", "failed"}), 0);
}

TEST_F(JobControllerTest, SuspendDeletesPodsAndResumeRecreatesThem) {
  cp_.Create(kJobs, Job("paused", json::object{{"parallelism", 2}, {"completions", 2}}));
  Sync("paused");
  ASSERT_EQ(PodsOf("paused").size(), 2u);
  std::string first_start = GetString(GetJob("paused"), {"status", "startTime"});
  ASSERT_TRUE(
      cp_.client()
          ->Patch(kJobs + "/paused", json::object{{"spec", json::object{{"suspend", true}}}})
          .ok());
  Sync("paused");
  json::object job = GetJob("paused");
  EXPECT_EQ(Condition(job, "Suspended"), "True");
  EXPECT_EQ(Condition(job, "Suspended", "reason"), "JobSuspended");
  EXPECT_EQ(GetInt(job, {"status", "active"}), 0);
  Sync("paused");
  ASSERT_TRUE(cp_.WaitFor([&] { return PodsOf("paused", true).empty(); }));
  EXPECT_EQ(GetInt(GetJob("paused"), {"status", "failed"}), 0);
  EXPECT_TRUE(HasEvent("Suspended: Job suspended"));

  cp_.clock.Advance(seconds(60));
  ASSERT_TRUE(
      cp_.client()
          ->Patch(kJobs + "/paused", json::object{{"spec", json::object{{"suspend", false}}}})
          .ok());
  Sync("paused");
  job = GetJob("paused");
  EXPECT_EQ(Condition(job, "Suspended"), "False");
  EXPECT_EQ(Condition(job, "Suspended", "reason"), "JobResumed");
  EXPECT_EQ(GetInt(job, {"status", "active"}), 2);
  EXPECT_NE(GetString(job, {"status", "startTime"}), first_start);
  EXPECT_EQ(PodsOf("paused").size(), 2u);
}

TEST_F(JobControllerTest, TtlAfterFinishedDeletesJob) {
  cp_.Create(kJobs, Job("short", json::object{{"ttlSecondsAfterFinished", 10}}));
  Sync("short");
  auto pods = PodsOf("short");
  ASSERT_EQ(pods.size(), 1u);
  Finish(pods[0], 0);
  Sync("short");
  EXPECT_EQ(Condition(GetJob("short"), "Complete"), "True");
  cp_.clock.Advance(seconds(9));
  Sync("short");
  EXPECT_TRUE(Exists(kJobs + "/short"));
  cp_.clock.Advance(seconds(2));
  Sync("short");
  EXPECT_FALSE(Exists(kJobs + "/short"));
}

TEST_F(JobControllerTest, IndexedJobTracksCompletedIndexes) {
  cp_.Create(kJobs, Job("idx", json::object{{"completions", 3},
                                            {"parallelism", 3},
                                            {"completionMode", "Indexed"}}));
  Sync("idx");
  auto pods = PodsOf("idx");
  ASSERT_EQ(pods.size(), 3u);
  std::map<int, json::object> by_index;
  for (const auto& p : pods) {
    int idx = PodCompletionIndex(p);
    by_index[idx] = p;
    const std::string s = std::to_string(idx);
    EXPECT_EQ(GetString(p, {"metadata", "labels", "batch.kubernetes.io/job-completion-index"}), s);
    EXPECT_EQ(GetString(p, {"spec", "hostname"}), "idx-" + s);
    EXPECT_EQ(GetString(p, {"metadata", "name"}).rfind("idx-" + s + "-", 0), 0u);
    const json::value* env = GetPath(p, {"spec", "containers"});
    ASSERT_TRUE(env != nullptr);
    EXPECT_EQ(GetString(env->as_array()[0].as_object(), {"env"}), "");
    const json::value* e = GetPath(env->as_array()[0].as_object(), {"env"});
    ASSERT_TRUE(e && e->is_array() && !e->as_array().empty());
    EXPECT_EQ(GetString(e->as_array()[0].as_object(), {"name"}), "JOB_COMPLETION_INDEX");
  }
  ASSERT_EQ(by_index.size(), 3u);
  ASSERT_TRUE(by_index.count(0) && by_index.count(1) && by_index.count(2));

  Finish(by_index[1], 0);
  Finish(by_index[2], 0);
  Finish(by_index[0], 3);
  Sync("idx");
  json::object job = GetJob("idx");
  EXPECT_EQ(GetString(job, {"status", "completedIndexes"}), "1-2");
  EXPECT_EQ(GetInt(job, {"status", "succeeded"}), 2);
  EXPECT_EQ(GetInt(job, {"status", "failed"}), 1);
  EXPECT_TRUE(RunningPodsOf("idx").empty());
  cp_.clock.Advance(seconds(11));
  Sync("idx");
  auto running = RunningPodsOf("idx");
  ASSERT_EQ(running.size(), 1u);  // only index 0 is redone
  EXPECT_EQ(PodCompletionIndex(running[0]), 0);
  Finish(running[0], 0);
  Sync("idx");
  job = GetJob("idx");
  EXPECT_EQ(GetString(job, {"status", "completedIndexes"}), "0-2");
  EXPECT_EQ(GetInt(job, {"status", "succeeded"}), 3);
  EXPECT_EQ(Condition(job, "Complete"), "True");
}

TEST_F(JobControllerTest, ReleasesFinalizersWhenJobIsDeleted) {
  cp_.Create(kJobs, Job("gone", json::object{{"parallelism", 2}, {"completions", 2}}));
  Sync("gone");
  ASSERT_EQ(PodsOf("gone").size(), 2u);
  ASSERT_TRUE(cp_.client()->Delete(kJobs + "/gone").ok());
  Sync("gone");
  for (const auto& p : PodsOf("gone", true)) EXPECT_FALSE(HasJobTrackingFinalizer(p));
}

}  // namespace
}  // namespace berth::controllers

namespace berth::controllers {
namespace {

TEST_F(JobControllerTest, OnFailureRestartsCountTowardsBackoffLimit) {
  json::object job = Job("restarts", json::object{{"backoffLimit", 2}});
  job["spec"].as_object()["template"].as_object()["spec"].as_object()["restartPolicy"] =
      "OnFailure";
  cp_.Create(kJobs, job);
  Sync("restarts");
  auto pods = PodsOf("restarts");
  ASSERT_EQ(pods.size(), 1u);
  auto restart = [&](int count) {
    json::object patch{
        {"status", json::object{{"phase", "Running"},
                                {"containerStatuses",
                                 json::array{json::object{
                                     {"name", "main"},
                                     {"image", "busybox"},
                                     {"imageID", ""},
                                     {"ready", false},
                                     {"restartCount", count},
                                     {"state", json::object{{"running", json::object{}}}}}}}}}};
    auto r = cp_.client()->Patch(kPods + "/" + GetString(pods[0], {"metadata", "name"}) + "/status",
                                 patch);
    ASSERT_TRUE(r.ok()) << r.status().ToString();
  };
  restart(2);
  Sync("restarts");
  EXPECT_EQ(Condition(GetJob("restarts"), "Failed"), "");
  restart(3);
  Sync("restarts");
  EXPECT_EQ(Condition(GetJob("restarts"), "Failed", "reason"), "BackoffLimitExceeded");
}

}  // namespace
}  // namespace berth::controllers
