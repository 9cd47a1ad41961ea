// Snapshot bookkeeping: nodes, pods, accounting and placeholder nodes.
#include "scheduler/snapshot.h"

#include <gtest/gtest.h>

#include "harness.h"

namespace berth::scheduler {
namespace {

using testing::Node;
using testing::NodeSpec;
using testing::Pod;
using testing::PodSpec;

std::shared_ptr<const PodInfo> Bound(const std::string& name, const std::string& node,
                                     PodSpec spec = {}) {
  auto p = Pod(name, spec);
  p["spec"].as_object()["nodeName"] = node;
  return ParsePod(p);
}

TEST(SnapshotTest, AccountsPodsAndKeepsOrder) {
  Snapshot s;
  s.UpsertNode(Node("b"));
  s.UpsertNode(Node("a", NodeSpec{.cpu = "2"}));
  ASSERT_EQ(s.NodeCount(), 2u);
  EXPECT_EQ(s.Nodes()[0]->name, "b");
  EXPECT_EQ(s.Nodes()[1]->index, 1u);
  EXPECT_EQ(s.FindNode("a")->allocatable.milli_cpu, 2000);
  EXPECT_EQ(s.FindNode("a")->allowed_pods, 110);
  s.AddPod(Bound("p1", "a", PodSpec{.cpu = "500m", .memory = "1Gi"}));
  s.AddPod(Bound("p2", "a", PodSpec{.cpu = "250m"}));
  EXPECT_EQ(s.FindNode("a")->requested.milli_cpu, 750);
  EXPECT_EQ(s.FindNode("a")->non_zero_memory, 1024LL * 1024 * 1024 + kDefaultMemoryRequest);
  // Re-adding replaces.
  s.AddPod(Bound("p2", "a", PodSpec{.cpu = "100m"}));
  EXPECT_EQ(s.FindNode("a")->requested.milli_cpu, 600);
  EXPECT_EQ(s.PodCount(), 2u);
  // Upserting the node keeps its pods; labels are replaced.
  s.UpsertNode(Node("a", NodeSpec{.cpu = "2", .labels = {{"x", "y"}}}));
  EXPECT_EQ(s.FindNode("a")->pods.size(), 2u);
  EXPECT_EQ(*s.FindNode("a")->Label("x"), "y");
  s.RemovePod("default", "p1");
  s.RemovePod("default", "missing");
  EXPECT_EQ(s.FindNode("a")->requested.milli_cpu, 100);
  EXPECT_EQ(s.FindNode("a")->requested.memory, 0);
  s.RemoveNode("b");
  EXPECT_EQ(s.NodeCount(), 1u);
  EXPECT_EQ(s.Nodes()[0]->index, 0u);
  EXPECT_EQ(s.FindNode("b"), nullptr);
}

TEST(SnapshotTest, PodsBeforeTheirNodeAndAfterItsRemoval) {
  Snapshot s;
  s.AddPod(Bound("early", "late-node", PodSpec{.cpu = "1"}));
  EXPECT_EQ(s.NodeCount(), 0u);
  EXPECT_EQ(s.FindNode("late-node"), nullptr);
  s.UpsertNode(Node("late-node"));
  ASSERT_NE(s.FindNode("late-node"), nullptr);
  EXPECT_EQ(s.FindNode("late-node")->requested.milli_cpu, 1000);
  s.RemoveNode("late-node");
  EXPECT_EQ(s.NodeCount(), 0u);
  s.UpsertNode(Node("late-node"));  // comes back: its pod still counts
  EXPECT_EQ(s.FindNode("late-node")->pods.size(), 1u);
  s.RemoveNode("late-node");
  s.RemovePod("default", "early");
  s.UpsertNode(Node("late-node"));
  EXPECT_EQ(s.FindNode("late-node")->pods.size(), 0u);
}

TEST(SnapshotTest, CountsPodsWithAffinityAndPorts) {
  Snapshot s;
  s.UpsertNode(Node("n"));
  auto anti = Bound("a", "n", PodSpec{.spec_json = R"({"affinity": {"podAntiAffinity": {
      "requiredDuringSchedulingIgnoredDuringExecution": [{"labelSelector": {}, "topologyKey": "zone"}]}},
      "containers": [{"name": "c", "ports": [{"containerPort": 1, "hostPort": 99}]}]})"});
  s.AddPod(anti);
  EXPECT_EQ(s.PodsWithAffinity(), 1);
  EXPECT_EQ(s.PodsWithRequiredAntiAffinity(), 1);
  EXPECT_EQ(s.FindNode("n")->used_ports.size(), 1u);
  s.RemovePod("default", "a");
  EXPECT_EQ(s.PodsWithAffinity(), 0);
  EXPECT_EQ(s.PodsWithRequiredAntiAffinity(), 0);
  EXPECT_TRUE(s.FindNode("n")->used_ports.empty());
  EXPECT_TRUE(s.FindNode("n")->pods_with_affinity.empty());
}

}  // namespace
}  // namespace berth::scheduler
