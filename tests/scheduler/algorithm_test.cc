// The scheduling cycle: sampling, rotation, tie-breaking, messages.
#include "scheduler/schedule.h"

#include <gtest/gtest.h>

#include <set>

#include "harness.h"

namespace berth::scheduler {
namespace {

using testing::Cluster;
using testing::NodeSpec;
using testing::Pod;
using testing::PodSpec;

std::string Name(int i) {
  char buf[16];
  std::snprintf(buf, sizeof(buf), "n%03d", i);
  return buf;
}

TEST(AlgorithmTest, NumFeasibleNodesToFind) {
  Algorithm adaptive(DefaultRegistry());
  EXPECT_EQ(adaptive.NumFeasibleNodesToFind(50), 50);
  EXPECT_EQ(adaptive.NumFeasibleNodesToFind(200), 100);    // 49% = 98 -> at least 100
  EXPECT_EQ(adaptive.NumFeasibleNodesToFind(1000), 420);   // 42%
  EXPECT_EQ(adaptive.NumFeasibleNodesToFind(5000), 500);   // 10%
  EXPECT_EQ(adaptive.NumFeasibleNodesToFind(10000), 500);  // floor of 5%
  Algorithm fixed(DefaultRegistry(), AlgorithmOptions{.percentage_of_nodes_to_score = 30});
  EXPECT_EQ(fixed.NumFeasibleNodesToFind(1000), 300);
  EXPECT_EQ(fixed.NumFeasibleNodesToFind(200), 100);
  Algorithm all(DefaultRegistry(), AlgorithmOptions{.percentage_of_nodes_to_score = 100});
  EXPECT_EQ(all.NumFeasibleNodesToFind(5000), 5000);
}

TEST(AlgorithmTest, SamplesFromARotatingStart) {
  Cluster c;
  for (int i = 0; i < 200; i++) c.AddNode(Name(i), NodeSpec{.unschedulable = i >= 150});
  auto r = c.Schedule(Pod("p"));
  EXPECT_EQ(r.evaluated_nodes, 100);
  EXPECT_EQ(r.feasible_nodes, 100);
  EXPECT_LT(r.node, Name(100));  // chosen among n000..n099
  // Next cycle starts at n100: 50 feasible, 50 cordoned, then n000..n049.
  r = c.Schedule(Pod("p"));
  EXPECT_EQ(r.evaluated_nodes, 150);
  EXPECT_EQ(r.feasible_nodes, 100);
  EXPECT_TRUE(r.node < Name(50) || (r.node >= Name(100) && r.node < Name(150))) << r.node;
  // Then from n050: n050..n149 are all feasible.
  r = c.Schedule(Pod("p"));
  EXPECT_EQ(r.evaluated_nodes, 100);
  EXPECT_TRUE(r.node >= Name(50) && r.node < Name(150)) << r.node;
}

TEST(AlgorithmTest, UnschedulableEvaluatesEveryNodeAndCountsReasons) {
  Cluster c;
  for (int i = 0; i < 300; i++) {
    c.AddNode(Name(i), NodeSpec{.cpu = i % 3 == 0 ? "1" : "4",
                                .taints_json = i % 3 == 1 ? R"([{"key": "k", "value": "v", "effect": "NoSchedule"}])" : "[]",
                                .unschedulable = i % 3 == 2});
  }
  auto r = c.Schedule(Pod("p", PodSpec{.cpu = "2"}));
  EXPECT_EQ(r.node, "");
  EXPECT_EQ(r.evaluated_nodes, 300);
  EXPECT_EQ(r.feasible_nodes, 0);
  EXPECT_EQ(r.message,
            "0/300 nodes are available: 100 Insufficient cpu, 100 node(s) had untolerated taint "
            "{k: v}, 100 node(s) were unschedulable.");
  EXPECT_EQ(r.reasons.at("node(s) were unschedulable"), 100);
}

TEST(AlgorithmTest, MessageSortsCountedStrings) {
  // kube sorts "<count> <reason>" strings, so counts take part in the order.
  EXPECT_EQ(UnschedulableMessage(12, {{"b", 2}, {"a", 10}, {"c", 1}}),
            "0/12 nodes are available: 1 c, 10 a, 2 b.");
}

TEST(AlgorithmTest, NoNodes) {
  Cluster c;
  auto r = c.Schedule(Pod("p"));
  EXPECT_EQ(r.node, "");
  EXPECT_EQ(r.message, "no nodes available to schedule pods");
}

TEST(AlgorithmTest, TiesAreBrokenRandomlyAndReproducibly) {
  auto run = [](uint64_t seed) {
    Cluster c(AlgorithmOptions{.seed = seed});
    for (int i = 0; i < 5; i++) c.AddNode(Name(i));
    std::vector<std::string> picks;
    for (int i = 0; i < 50; i++) picks.push_back(c.Schedule(Pod("p")).node);
    return picks;
  };
  auto a = run(7), b = run(7), other = run(8);
  EXPECT_EQ(a, b);
  EXPECT_NE(a, other);
  std::set<std::string> distinct(a.begin(), a.end());
  EXPECT_EQ(distinct.size(), 5u);
}

TEST(AlgorithmTest, SingleFeasibleNodeSkipsScoring) {
  Cluster c;
  c.AddNode("small", NodeSpec{.cpu = "1"}).AddNode("big", NodeSpec{.cpu = "8"});
  auto r = c.Schedule(Pod("p", PodSpec{.cpu = "2"}));
  EXPECT_EQ(r.node, "big");
  EXPECT_EQ(r.feasible_nodes, 1);
  EXPECT_EQ(r.evaluated_nodes, 2);
}

TEST(AlgorithmTest, FillsNodesUntilFull) {
  Cluster c;
  c.AddNode("a", NodeSpec{.cpu = "1"}).AddNode("b", NodeSpec{.cpu = "1"});
  int placed = 0;
  for (int i = 0; i < 5; i++) {
    if (!c.ScheduleAndBind(Pod("p" + std::to_string(i), PodSpec{.cpu = "400m"})).node.empty()) {
      placed++;
    }
  }
  EXPECT_EQ(placed, 4);
  EXPECT_EQ(c.snapshot().FindNode("a")->pods.size(), 2u);
  EXPECT_EQ(c.Schedule(Pod("x", PodSpec{.cpu = "400m"})).message,
            "0/2 nodes are available: 2 Insufficient cpu.");
}

}  // namespace
}  // namespace berth::scheduler
