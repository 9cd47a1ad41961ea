// The podFailurePolicy: rule matching (pure) and the JobController acting on it (FailJob ends the
// Job at once, Ignore neither counts nor backs off, a deleted pod is judged once terminal).
#include "controllers/job/pod_failure_policy.h"

#include <gtest/gtest.h>

#include "controllers/job/batch_fixture.h"
#include "controllers/job/job_controller.h"
#include "controllers/job/job_pods.h"

namespace berth::controllers {
namespace {

using batchtest::Job;
using batchtest::kJobs;
using batchtest::kPods;
using std::chrono::seconds;

json::object Spec(const char* policy_json) {
  auto v = ParseJson(std::string("{\"podFailurePolicy\": ") + policy_json + "}");
  EXPECT_TRUE(v.ok());
  return v->as_object();
}

json::object FailedPod(const char* status_json) {
  auto v = ParseJson(std::string(R"({"metadata": {"namespace": "ns", "name": "p-0"}, "status": )") +
                     status_json + "}");
  EXPECT_TRUE(v.ok());
  return v->as_object();
}

const char* kExit42 = R"({"phase": "Failed", "containerStatuses": [
    {"name": "side", "state": {"terminated": {"exitCode": 0}}},
    {"name": "main", "state": {"terminated": {"exitCode": 42}}}]})";

TEST(PodFailurePolicyTest, ExitCodeRulesInOrder) {
  auto spec = Spec(R"({"rules": [
      {"action": "Ignore", "onExitCodes": {"operator": "In", "values": [1, 2]}},
      {"action": "FailJob", "onExitCodes": {"containerName": "main", "operator": "In", "values": [42]}}]})");
  EXPECT_TRUE(HasPodFailurePolicy(spec));
  FailureMatch m = MatchPodFailurePolicy(spec, FailedPod(kExit42));
  EXPECT_EQ(m.action, FailureAction::kFailJob);
  EXPECT_EQ(m.message,
            "Container main for pod ns/p-0 failed with exit code 42 matching FailJob rule at index 1");
  m = MatchPodFailurePolicy(
      spec, FailedPod(R"({"containerStatuses": [{"name": "x", "state": {"terminated": {"exitCode": 2}}}]})"));
  EXPECT_EQ(m.action, FailureAction::kIgnore);
  // No rule matches: default counting.
  m = MatchPodFailurePolicy(
      spec, FailedPod(R"({"containerStatuses": [{"name": "main", "state": {"terminated": {"exitCode": 3}}}]})"));
  EXPECT_EQ(m.action, FailureAction::kCount);
}

TEST(PodFailurePolicyTest, NotInNeverMatchesExitCodeZeroAndNamesFilter) {
  auto spec = Spec(R"({"rules": [
      {"action": "FailJob", "onExitCodes": {"containerName": "other", "operator": "NotIn", "values": [5]}},
      {"action": "FailJob", "onExitCodes": {"operator": "NotIn", "values": [42]}}]})");
  // "side" exited 0 (never a failure), "main" 42 is excluded by NotIn, "other" is absent.
  EXPECT_EQ(MatchPodFailurePolicy(spec, FailedPod(kExit42)).action, FailureAction::kCount);
  // Init containers are looked at first.
  FailureMatch m = MatchPodFailurePolicy(spec, FailedPod(R"({"initContainerStatuses": [
      {"name": "init", "state": {"terminated": {"exitCode": 7}}}]})"));
  EXPECT_EQ(m.action, FailureAction::kFailJob);
  EXPECT_EQ(m.message,
            "Container init for pod ns/p-0 failed with exit code 7 matching FailJob rule at index 1");
}

TEST(PodFailurePolicyTest, PodConditionsUnknownActionsAndCount) {
  auto spec = Spec(R"({"rules": [
      {"action": "Explode", "onPodConditions": [{"type": "DisruptionTarget"}]},
      {"action": "Count", "onPodConditions": [{"type": "DisruptionTarget", "status": "False"}]},
      {"action": "FailJob", "onPodConditions": [{"type": "ConfigIssue"}, {"type": "DisruptionTarget"}]}]})");
  FailureMatch m = MatchPodFailurePolicy(
      spec, FailedPod(R"({"conditions": [{"type": "DisruptionTarget", "status": "True"}]})"));
  EXPECT_EQ(m.action, FailureAction::kFailJob);
  EXPECT_EQ(m.message, "Pod ns/p-0 has condition DisruptionTarget matching FailJob rule at index 2");
  m = MatchPodFailurePolicy(
      spec, FailedPod(R"({"conditions": [{"type": "DisruptionTarget", "status": "False"}]})"));
  EXPECT_EQ(m.action, FailureAction::kCount);
  EXPECT_FALSE(HasPodFailurePolicy(json::object{}));
  EXPECT_EQ(MatchPodFailurePolicy(json::object{}, FailedPod(kExit42)).action, FailureAction::kCount);
}

class PodFailurePolicyJobTest : public batchtest::JobTest {
 protected:
  void Create(const std::string& name, json::object spec, const char* policy_json) {
    spec["podFailurePolicy"] = Spec(policy_json)["podFailurePolicy"];
    auto r = cp_.client()->Create(kJobs, Job(name, std::move(spec)));
    ASSERT_TRUE(r.ok()) << r.status().ToString();
  }
};

TEST_F(PodFailurePolicyJobTest, FailJobRuleEndsTheJobEarly) {
  Create("early", json::object{{"completions", 4}, {"parallelism", 2}, {"backoffLimit", 6}},
         R"({"rules": [{"action": "FailJob", "onExitCodes": {"operator": "In", "values": [1]}}]})");
  Sync("early");
  auto pods = PodsOf("early");
  ASSERT_EQ(pods.size(), 2u);
  Finish(pods[0], 1);
  Sync("early");
  json::object job = GetJob("early");
  EXPECT_EQ(Condition(job, "Failed"), "True");
  EXPECT_EQ(Condition(job, "Failed", "reason"), "PodFailurePolicy");
  EXPECT_EQ(Condition(job, "FailureTarget", "reason"), "PodFailurePolicy");
  EXPECT_EQ(Condition(job, "Failed", "message"),
            "Container main for pod default/" + GetString(pods[0], {"metadata", "name"}) +
                " failed with exit code 1 matching FailJob rule at index 0");
  EXPECT_EQ(GetInt(job, {"status", "failed"}), 1);
  // The other pod is deleted at once, well inside the backoffLimit of 6.
  EXPECT_TRUE(RunningPodsOf("early").empty());
}

TEST_F(PodFailurePolicyJobTest, IgnoredDisruptionIsNotCountedAndReplacedAtOnce) {
  Create("evicted", json::object{{"backoffLimit", 0}},
         R"({"rules": [{"action": "Ignore", "onPodConditions": [{"type": "DisruptionTarget"}]}]})");
  Sync("evicted");
  auto pods = PodsOf("evicted");
  ASSERT_EQ(pods.size(), 1u);
  const std::string name = GetString(pods[0], {"metadata", "name"});
  // What an eviction does: the condition, then a graceful delete (the finalizer keeps the pod).
  json::object patch{{"status", json::object{{"phase", "Running"},
                                             {"conditions", json::array{json::object{
                                                                {"type", "DisruptionTarget"},
                                                                {"status", "True"},
                                                                {"reason", "EvictionByEvictionAPI"}}}}}}};
  json::object binding{{"apiVersion", "v1"},
                       {"kind", "Binding"},
                       {"metadata", json::object{{"name", name}}},
                       {"target", json::object{{"kind", "Node"}, {"name", "n1"}}}};
  ASSERT_TRUE(cp_.client()->Create(kPods + "/" + name + "/binding", binding).ok());
  ASSERT_TRUE(cp_.client()->Patch(kPods + "/" + name + "/status", patch).ok());
  ASSERT_TRUE(cp_.client()->Delete(kPods + "/" + name).ok());
  Sync("evicted");
  // Neither judged nor replaced before the node reports how it ended (podReplacementPolicy
  // defaults to Failed with a podFailurePolicy).
  json::object job = GetJob("evicted");
  EXPECT_EQ(Condition(job, "Failed"), "");
  EXPECT_EQ(PodsOf("evicted").size(), 0u);
  EXPECT_EQ(PodsOf("evicted", true).size(), 1u);
  // The container was killed (137) and the pod is Failed, with its DisruptionTarget condition.
  json::object fail{{"status", json::object{{"phase", "Failed"},
                                            {"containerStatuses",
                                             json::array{json::object{
                                                 {"name", "main"},
                                                 {"image", "busybox"},
                                                 {"imageID", ""},
                                                 {"ready", false},
                                                 {"restartCount", 0},
                                                 {"state", json::object{{"terminated",
                                                                         json::object{{"exitCode", 137}}}}}}}}}}};
  ASSERT_TRUE(cp_.client()->Patch(kPods + "/" + name + "/status", fail).ok());
  Sync("evicted");
  Sync("evicted");
  job = GetJob("evicted");
  EXPECT_EQ(Condition(job, "Failed"), "");
  EXPECT_EQ(GetInt(job, {"status", "failed"}), 0);
  // Released, and replaced without the failure back-off.
  for (const auto& p : PodsOf("evicted", true)) {
    if (GetString(p, {"metadata", "name"}) == name) {
      EXPECT_FALSE(HasJobTrackingFinalizer(p));
    }
  }
  auto running = RunningPodsOf("evicted");
  ASSERT_EQ(running.size(), 1u);
  Finish(running[0], 0);
  Sync("evicted");
  Sync("evicted");
  EXPECT_EQ(Condition(GetJob("evicted"), "Complete"), "True");
}

TEST_F(PodFailurePolicyJobTest, UnmatchedFailureCountsAsUsual) {
  Create("counted", json::object{{"backoffLimit", 0}},
         R"({"rules": [{"action": "FailJob", "onExitCodes": {"operator": "In", "values": [42]}}]})");
  Sync("counted");
  auto pods = PodsOf("counted");
  ASSERT_EQ(pods.size(), 1u);
  Finish(pods[0], 3);
  Sync("counted");
  json::object job = GetJob("counted");
  EXPECT_EQ(Condition(job, "Failed", "reason"), "BackoffLimitExceeded");
  EXPECT_EQ(GetInt(job, {"status", "failed"}), 1);
}

}  // namespace
}  // namespace berth::controllers
