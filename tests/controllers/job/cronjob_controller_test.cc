// CronJobController against a real in-process API server with simulated time. Jobs are
// finished by patching their status (the Job controller is not running here).
#include "controllers/job/cronjob_controller.h"

#include <gtest/gtest.h>

#include "api/kinds/batch/cron_schedule.h"
#include "controllers/job/batch_fixture.h"
#include "controllers/job/cron_times.h"

namespace berth::controllers {
namespace {

using batchtest::kCronJobs;
using batchtest::kJobs;
using std::chrono::minutes;
using std::chrono::seconds;

json::object CronJob(const std::string& name, const std::string& schedule, json::object extra) {
  json::object spec{
      {"schedule", schedule},
      {"jobTemplate",
       json::object{{"metadata", json::object{{"labels", json::object{{"team", "a"}}}}},
                    {"spec", json::object{{"template", batchtest::PodTemplate()}}}}}};
  for (auto& kv : extra) spec[kv.key()] = kv.value();
  return json::object{{"apiVersion", "batch/v1"},
                      {"kind", "CronJob"},
                      {"metadata", json::object{{"name", name}}},
                      {"spec", std::move(spec)}};
}

class CronJobControllerTest : public batchtest::BatchTest {
 protected:
  void SetUp() override {
    cc_ = std::make_unique<CronJobController>(cp_.ctx());
    cp_.StartInformers();
  }
  // Creates the CronJob and moves the manual clock to its creation time (the server stamps
  // creationTimestamp with the real clock).
  Clock::time_point CreateCronJob(const json::object& cj) {
    json::object created = cp_.Create(kCronJobs, cj);
    Clock::time_point t;
    EXPECT_TRUE(ParseRfc3339(GetString(created, {"metadata", "creationTimestamp"}), &t));
    cp_.clock.Advance(t - cp_.clock.Now());
    return t;
  }
  // The scheduled times after `t`.
  Clock::time_point NextRun(const std::string& schedule, Clock::time_point t) {
    auto s = api::batch::CronSchedule::Parse(schedule);
    EXPECT_TRUE(s.ok());
    return s->Next(t).value();
  }
  void AdvanceTo(Clock::time_point t) { cp_.clock.Advance(t - cp_.clock.Now()); }
  void Sync(const std::string& name) {
    Settle();
    Status st = cc_->SyncNow("default/" + name);
    ASSERT_TRUE(st.ok()) << st.ToString();
  }
  static std::string JobName(const std::string& cj, Clock::time_point t) {
    return cj + "-" +
           std::to_string(std::chrono::duration_cast<minutes>(t.time_since_epoch()).count());
  }
  std::vector<std::string> JobNames() {
    std::vector<std::string> out;
    for (const auto& j : cp_.List(kJobs)) {
      out.push_back(GetString(j.as_object(), {"metadata", "name"}));
    }
    std::sort(out.begin(), out.end());
    return out;
  }
  // The simulated Job controller: the Job finished.
  void FinishJob(const std::string& name, bool success) {
    std::string now = FormatRfc3339(cp_.clock.Now());
    json::array conds;
    if (success) {
      conds.push_back(json::object{
          {"type", "SuccessCriteriaMet"}, {"status", "True"}, {"lastTransitionTime", now}});
      conds.push_back(
          json::object{{"type", "Complete"}, {"status", "True"}, {"lastTransitionTime", now}});
    } else {
      conds.push_back(
          json::object{{"type", "FailureTarget"}, {"status", "True"}, {"lastTransitionTime", now}});
      conds.push_back(
          json::object{{"type", "Failed"}, {"status", "True"}, {"lastTransitionTime", now}});
    }
    json::object st{{"conditions", conds}, {"startTime", now}};
    if (success) {
      st["completionTime"] = now;
      st["succeeded"] = 1;
    } else {
      st["failed"] = 1;
    }
    auto r = cp_.client()->Patch(kJobs + "/" + name + "/status", json::object{{"status", st}});
    ASSERT_TRUE(r.ok()) << r.status().ToString();
  }
  std::unique_ptr<CronJobController> cc_;
};

TEST(CronTimesTest, MostRecentAndNext) {
  auto s = api::batch::CronSchedule::Parse("*/15 * * * *");
  ASSERT_TRUE(s.ok());
  Clock::time_point base;
  ASSERT_TRUE(ParseRfc3339("2026-03-01T10:07:00Z", &base));
  auto t = ComputeScheduleTimes(*s, base, base + minutes(50));  // 10:57
  ASSERT_TRUE(t.most_recent.has_value());
  EXPECT_EQ(FormatRfc3339(*t.most_recent), "2026-03-01T10:45:00Z");
  EXPECT_EQ(FormatRfc3339(*t.next), "2026-03-01T11:00:00Z");
  // Nothing in (10:07, 10:14].
  t = ComputeScheduleTimes(*s, base, base + minutes(7));
  EXPECT_FALSE(t.most_recent.has_value());
  EXPECT_EQ(FormatRfc3339(*t.next), "2026-03-01T10:15:00Z");
  // A year of missed minutes is found without walking them all.
  auto every_minute = api::batch::CronSchedule::Parse("* * * * *");
  t = ComputeScheduleTimes(*every_minute, base, base + std::chrono::hours(24 * 365) + seconds(5));
  EXPECT_EQ(FormatRfc3339(*t.most_recent), "2027-03-01T10:07:00Z");
  auto hourly = api::batch::CronSchedule::Parse("@hourly");
  t = ComputeScheduleTimes(*hourly, base, base + std::chrono::hours(3));
  EXPECT_EQ(FormatRfc3339(*t.most_recent), "2026-03-01T13:00:00Z");
}

TEST_F(CronJobControllerTest, CreatesJobAtScheduleAndTracksIt) {
  const std::string sched = "*/10 * * * *";
  Clock::time_point created = CreateCronJob(CronJob("report", sched, {}));
  Sync("report");
  EXPECT_TRUE(JobNames().empty());
  Clock::time_point run = NextRun(sched, created);
  AdvanceTo(run - seconds(1));
  Sync("report");
  EXPECT_TRUE(JobNames().empty());
  AdvanceTo(run + seconds(5));
  Sync("report");
  const std::string job_name = JobName("report", run);
  ASSERT_EQ(JobNames(), std::vector<std::string>{job_name});
  json::object job = cp_.MustGet(kJobs + "/" + job_name);
  EXPECT_EQ(GetString(job, {"metadata", "annotations",
                            "batch.kubernetes.io/cronjob-scheduled-timestamp"}),
            FormatRfc3339(run));
  EXPECT_EQ(GetString(job, {"metadata", "labels", "team"}), "a");
  const json::value* refs = GetPath(job, {"metadata", "ownerReferences"});
  ASSERT_TRUE(refs && refs->is_array() && refs->as_array().size() == 1);
  EXPECT_EQ(GetString(refs->as_array()[0].as_object(), {"kind"}), "CronJob");
  json::object cj = cp_.MustGet(kCronJobs + "/report");
  EXPECT_EQ(GetString(cj, {"status", "lastScheduleTime"}), FormatRfc3339(run));
  const json::value* active = GetPath(cj, {"status", "active"});
  ASSERT_TRUE(active && active->is_array() && active->as_array().size() == 1);
  EXPECT_EQ(GetString(active->as_array()[0].as_object(), {"name"}), job_name);
  EXPECT_TRUE(HasEvent("SuccessfulCreate: Created job " + job_name));

  // A repeat sync in the same minute creates nothing more.
  Sync("report");
  EXPECT_EQ(JobNames().size(), 1u);

  FinishJob(job_name, true);
  Sync("report");
  cj = cp_.MustGet(kCronJobs + "/report");
  EXPECT_EQ(GetPath(cj, {"status", "active"}), nullptr);
  EXPECT_EQ(GetString(cj, {"status", "lastSuccessfulTime"}), FormatRfc3339(run + seconds(5)));
  EXPECT_TRUE(
      HasEvent("SawCompletedJob: Saw completed job: " + job_name + ", condition: Complete"));

  // The next run, ten minutes later.
  AdvanceTo(run + minutes(10) + seconds(1));
  Sync("report");
  EXPECT_EQ(JobNames().size(), 2u);
}

TEST_F(CronJobControllerTest, ForbidSkipsWhileActiveThenRunsMissedTime) {
  const std::string sched = "* * * * *";
  Clock::time_point created =
      CreateCronJob(CronJob("solo", sched, json::object{{"concurrencyPolicy", "Forbid"}}));
  Clock::time_point t1 = NextRun(sched, created);
  AdvanceTo(t1 + seconds(2));
  Sync("solo");
  ASSERT_EQ(JobNames(), std::vector<std::string>{JobName("solo", t1)});
  AdvanceTo(t1 + minutes(1) + seconds(2));
  Sync("solo");
  EXPECT_EQ(JobNames().size(), 1u);
  EXPECT_TRUE(
      HasEvent("JobAlreadyActive: Not starting job because prior execution is running "
               "and concurrency policy is Forbid"));
  FinishJob(JobName("solo", t1), true);
  Sync("solo");
  EXPECT_EQ(JobNames(),
            (std::vector<std::string>{JobName("solo", t1), JobName("solo", t1 + minutes(1))}));
}

TEST_F(CronJobControllerTest, ReplaceDeletesActiveJob) {
  const std::string sched = "* * * * *";
  Clock::time_point created =
      CreateCronJob(CronJob("swap", sched, json::object{{"concurrencyPolicy", "Replace"}}));
  Clock::time_point t1 = NextRun(sched, created);
  AdvanceTo(t1 + seconds(2));
  Sync("swap");
  ASSERT_EQ(JobNames(), std::vector<std::string>{JobName("swap", t1)});
  AdvanceTo(t1 + minutes(1) + seconds(2));
  Sync("swap");
  EXPECT_EQ(JobNames(), std::vector<std::string>{JobName("swap", t1 + minutes(1))});
  EXPECT_TRUE(HasEvent("SuccessfulDelete: Deleted job " + JobName("swap", t1)));
  json::object cj = cp_.MustGet(kCronJobs + "/swap");
  const json::value* active = GetPath(cj, {"status", "active"});
  ASSERT_TRUE(active && active->is_array() && active->as_array().size() == 1);
  EXPECT_EQ(GetString(active->as_array()[0].as_object(), {"name"}),
            JobName("swap", t1 + minutes(1)));
}

TEST_F(CronJobControllerTest, HistoryLimitsDeleteOldestFinishedJobs) {
  const std::string sched = "* * * * *";
  Clock::time_point created = CreateCronJob(
      CronJob("hist", sched,
              json::object{{"successfulJobsHistoryLimit", 1}, {"failedJobsHistoryLimit", 1}}));
  Clock::time_point t = NextRun(sched, created);
  std::vector<std::string> names;
  for (int i = 0; i < 5; ++i) {
    AdvanceTo(t + minutes(i) + seconds(1));
    Sync("hist");
    names.push_back(JobName("hist", t + minutes(i)));
    ASSERT_TRUE(Exists(kJobs + "/" + names.back()));
    FinishJob(names.back(), /*success=*/i != 1 && i != 2);
  }
  Sync("hist");
  // Successes at 0, 3, 4 -> keep 4; failures at 1, 2 -> keep 2.
  EXPECT_EQ(JobNames(), (std::vector<std::string>{names[2], names[4]}));
  EXPECT_TRUE(HasEvent("SuccessfulDelete: Deleted job " + names[0]));
}

TEST_F(CronJobControllerTest, SuspendAndStartingDeadline) {
  const std::string sched = "*/5 * * * *";
  Clock::time_point created = CreateCronJob(
      CronJob("nap", sched, json::object{{"suspend", true}, {"startingDeadlineSeconds", 30}}));
  Clock::time_point t1 = NextRun(sched, created);
  AdvanceTo(t1 + seconds(10));
  Sync("nap");
  EXPECT_TRUE(JobNames().empty());
  ASSERT_TRUE(
      cp_.client()
          ->Patch(kCronJobs + "/nap", json::object{{"spec", json::object{{"suspend", false}}}})
          .ok());
  AdvanceTo(t1 + seconds(40));  // the missed run is now older than the deadline
  Sync("nap");
  EXPECT_TRUE(JobNames().empty());
  AdvanceTo(t1 + minutes(5) + seconds(20));
  Sync("nap");
  EXPECT_EQ(JobNames(), std::vector<std::string>{JobName("nap", t1 + minutes(5))});
}

}  // namespace
}  // namespace berth::controllers
