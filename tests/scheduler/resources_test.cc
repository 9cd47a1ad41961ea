// Requests as kube computes them, the NodeResourcesFit filter and the resource scores.
#include "scheduler/resources.h"

#include <gtest/gtest.h>

#include "harness.h"
#include "scheduler/plugins/node_resources.h"

namespace berth::scheduler {
namespace {

using testing::Cluster;
using testing::NodeSpec;
using testing::Obj;
using testing::Pod;
using testing::PodSpec;

TEST(PodRequestsTest, SumsContainersAndTakesMaxOfInitContainers) {
  auto spec = Obj(R"({
    "containers": [
      {"name": "a", "resources": {"requests": {"cpu": "100m", "memory": "64Mi"}}},
      {"name": "b", "resources": {"requests": {"cpu": "200m", "memory": "64Mi",
                                               "nvidia.com/gpu": "1"}}}],
    "initContainers": [
      {"name": "i1", "resources": {"requests": {"cpu": "1", "memory": "10Mi"}}},
      {"name": "i2", "resources": {"requests": {"memory": "1Gi", "ephemeral-storage": "1G"}}}]})");
  Resources r = PodRequests(spec);
  EXPECT_EQ(r.milli_cpu, 1000);                  // init i1 dominates 300m
  EXPECT_EQ(r.memory, 1024LL * 1024 * 1024);     // init i2 dominates 128Mi
  EXPECT_EQ(r.ephemeral_storage, 1000000000);
  EXPECT_EQ(r.Scalar("nvidia.com/gpu"), 1);
}

TEST(PodRequestsTest, SidecarsAddUpAndOverheadIsAdded) {
  auto spec = Obj(R"({
    "containers": [{"name": "a", "resources": {"requests": {"cpu": "500m"}}}],
    "initContainers": [
      {"name": "side", "restartPolicy": "Always", "resources": {"requests": {"cpu": "200m"}}},
      {"name": "init", "resources": {"requests": {"cpu": "600m"}}}],
    "overhead": {"cpu": "50m", "memory": "1Mi"}})");
  Resources r = PodRequests(spec);
  // max(500 + 200 sidecar, 600 + 200 sidecar started before it) + 50 overhead
  EXPECT_EQ(r.milli_cpu, 850);
  EXPECT_EQ(r.memory, 1024 * 1024);
}

TEST(PodRequestsTest, LimitsDefaultRequestsAndNonZeroDefaults) {
  auto spec = Obj(R"({"containers": [
      {"name": "a", "resources": {"limits": {"cpu": "2", "memory": "1Gi"},
                                  "requests": {"memory": "512Mi"}}},
      {"name": "b"}]})");
  Resources r = PodRequests(spec);
  EXPECT_EQ(r.milli_cpu, 2000);
  EXPECT_EQ(r.memory, 512LL * 1024 * 1024);
  Resources nz = PodRequests(spec, /*non_zero=*/true);
  EXPECT_EQ(nz.milli_cpu, 2000 + kDefaultMilliCpuRequest);
  EXPECT_EQ(nz.memory, 512LL * 1024 * 1024 + kDefaultMemoryRequest);
}

TEST(NodeResourcesFitTest, InsufficientCpuAndMemoryTogether) {
  Cluster c;
  c.AddNode("n1", NodeSpec{.cpu = "1", .memory = "1Gi"});
  c.Bind("n1", Pod("old", PodSpec{.cpu = "600m", .memory = "600Mi"}));
  auto r = c.Schedule(Pod("p", PodSpec{.cpu = "500m", .memory = "500Mi"}));
  EXPECT_EQ(r.node, "");
  EXPECT_EQ(r.message, "0/1 nodes are available: 1 Insufficient cpu, 1 Insufficient memory.");
  // Fits once the old pod is gone.
  c.snapshot().RemovePod("default", "old");
  EXPECT_EQ(c.Schedule(Pod("p", PodSpec{.cpu = "500m", .memory = "500Mi"})).node, "n1");
}

TEST(NodeResourcesFitTest, InitContainersCountAndZeroRequestsAlwaysFit) {
  Cluster c;
  c.AddNode("n1", NodeSpec{.cpu = "1"});
  auto big_init = Pod("p", PodSpec{.cpu = "100m", .spec_json = R"({"initContainers": [
      {"name": "i", "resources": {"requests": {"cpu": "1500m"}}}]})"});
  EXPECT_EQ(c.Schedule(big_init).message, "0/1 nodes are available: 1 Insufficient cpu.");
  // An overcommitted node still takes pods that request nothing.
  c.Bind("n1", Pod("hog", PodSpec{.cpu = "3"}));
  EXPECT_EQ(c.Schedule(Pod("besteffort")).node, "n1");
}

TEST(NodeResourcesFitTest, TooManyPodsEphemeralAndScalars) {
  Cluster c;
  c.AddNode("n1", NodeSpec{.pods = 1});
  c.AddNode("n2", NodeSpec{.extra_allocatable_json =
                               R"({"example.com/dongle": "2", "ephemeral-storage": "1Gi"})"});
  c.Bind("n1", Pod("a"));
  auto r = c.Schedule(Pod("p", PodSpec{.spec_json = R"({"containers": [{"name": "c",
      "resources": {"requests": {"example.com/dongle": "3", "ephemeral-storage": "2Gi"}}}]})"}));
  EXPECT_EQ(r.message,
            "0/2 nodes are available: 1 Too many pods, 2 Insufficient ephemeral-storage, "
            "2 Insufficient example.com/dongle.");
  EXPECT_EQ(r.reasons.size(), 3u);
  EXPECT_EQ(r.reasons["Too many pods"], 1);
}

TEST(ResourceScoresTest, LeastAllocatedAndBalanced) {
  Snapshot s;
  s.UpsertNode(testing::Node("n1", NodeSpec{.cpu = "4", .memory = "4Gi"}));
  auto pod = ParsePod(Pod("p", PodSpec{.cpu = "1", .memory = "1Gi"}));
  CycleState st(s, *pod);
  const NodeInfo& n = *s.FindNode("n1");
  // cpu (4-1)/4 = 75, memory 75 -> 75
  EXPECT_EQ(LeastAllocatedScore().Score(st, n), 75);
  EXPECT_EQ(BalancedAllocationScore().Score(st, n), 100);
  auto skewed = ParsePod(Pod("q", PodSpec{.cpu = "2", .memory = "0"}));
  CycleState st2(s, *skewed);
  // cpu 50% used, memory 0% (but 200Mi non-zero default counts for LeastAllocated)
  EXPECT_EQ(LeastAllocatedScore().Score(st2, n), (50 + (4096 - 200) * 100 / 4096) / 2);
  EXPECT_EQ(BalancedAllocationScore().Score(st2, n), 75);  // 1 - |0.5 - 0| / 2
}

TEST(ResourceScoresTest, PrefersTheLeastLoadedNode) {
  Cluster c;
  c.AddNode("busy").AddNode("idle");
  c.Bind("busy", Pod("x", PodSpec{.cpu = "3", .memory = "6Gi"}));
  for (int i = 0; i < 5; i++) {
    EXPECT_EQ(c.Schedule(Pod("p", PodSpec{.cpu = "100m", .memory = "100Mi"})).node, "idle");
  }
}

}  // namespace
}  // namespace berth::scheduler
