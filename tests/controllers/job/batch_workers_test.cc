// Both batch controllers running on their own workers, driven only by informer events and
// AddAfter on the manual clock: a CronJob fires, its Job runs a pod to completion, the CronJob
// notices.
#include <gtest/gtest.h>

#include "api/kinds/batch/cron_schedule.h"
#include "controllers/job/batch_fixture.h"
#include "controllers/job/cronjob_controller.h"
#include "controllers/job/job_controller.h"

namespace berth::controllers {
namespace {

using batchtest::kCronJobs;
using batchtest::kJobs;

class BatchWorkersTest : public batchtest::BatchTest {};

TEST_F(BatchWorkersTest, CronJobRunsJobToCompletion) {
  JobController jobs(cp_.ctx());
  CronJobController crons(cp_.ctx());
  auto stop_informers = cp_.StopInformersOnExit();  // before jobs and crons are destroyed
  cp_.StartInformers();
  jobs.Start(2);
  crons.Start(1);

  json::object cj{
      {"apiVersion", "batch/v1"},
      {"kind", "CronJob"},
      {"metadata", json::object{{"name", "tick"}}},
      {"spec",
       json::object{
           {"schedule", "* * * * *"},
           {"jobTemplate",
            json::object{{"spec", json::object{{"template", batchtest::PodTemplate()}}}}}}}};
  json::object created = cp_.Create(kCronJobs, cj);
  Clock::time_point t;
  ASSERT_TRUE(ParseRfc3339(GetString(created, {"metadata", "creationTimestamp"}), &t));
  auto run = api::batch::CronSchedule::Parse("* * * * *")->Next(t).value();
  cp_.clock.Advance(run + std::chrono::seconds(1) - cp_.clock.Now());

  std::string job_name;
  ASSERT_TRUE(cp_.WaitFor([&] {
    auto items = cp_.List(kJobs);
    if (items.empty()) return false;
    job_name = GetString(items[0].as_object(), {"metadata", "name"});
    return true;
  }));
  std::vector<json::object> pods;
  ASSERT_TRUE(cp_.WaitFor([&] {
    pods = PodsOf(job_name);
    return pods.size() == 1;
  }));
  Finish(pods[0], 0);
  ASSERT_TRUE(cp_.WaitFor([&] { return Condition(GetJob(job_name), "Complete") == "True"; }));
  ASSERT_TRUE(cp_.WaitFor([&] {
    json::object c = cp_.MustGet(kCronJobs + "/tick");
    return GetPath(c, {"status", "active"}) == nullptr &&
           !GetString(c, {"status", "lastSuccessfulTime"}).empty();
  }));
  // The finished pod was released from the tracking finalizer.
  ASSERT_TRUE(cp_.WaitFor([&] {
    auto p = PodsOf(job_name, true);
    return p.size() == 1 && GetPath(p[0], {"metadata", "finalizers"}) == nullptr;
  })) << ToJson(PodsOf(job_name, true)[0]);
  EXPECT_EQ(GetInt(GetJob(job_name), {"status", "succeeded"}), 1);
  jobs.Stop();
  crons.Stop();
}

}  // namespace
}  // namespace berth::controllers
