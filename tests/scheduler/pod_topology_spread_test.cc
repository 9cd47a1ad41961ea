// PodTopologySpread: DoNotSchedule skew, missing labels, minDomains, ScheduleAnyway scoring.
#include <gtest/gtest.h>

#include <map>

#include "harness.h"

namespace berth::scheduler {
namespace {

using testing::Cluster;
using testing::NodeSpec;
using testing::Pod;
using testing::PodSpec;

json::object Spread(const std::string& name, const std::string& key, int max_skew,
                    const std::string& when = "DoNotSchedule", const std::string& extra = "") {
  return Pod(name, PodSpec{.labels = {{"app", "web"}},
                           .spec_json = R"({"topologySpreadConstraints": [{"maxSkew": )" +
                                        std::to_string(max_skew) + R"(, "topologyKey": ")" + key +
                                        R"(", "whenUnsatisfiable": ")" + when +
                                        R"(", "labelSelector": {"matchLabels": {"app": "web"}})" +
                                        extra + "}]}"});
}

TEST(PodTopologySpreadTest, SkewByZone) {
  Cluster c;
  c.AddNode("a1", NodeSpec{.labels = {{"zone", "a"}}});
  c.AddNode("b1", NodeSpec{.labels = {{"zone", "b"}}});
  c.AddNode("nolabel");
  c.Bind("a1", Pod("w1", PodSpec{.labels = {{"app", "web"}}}));
  c.Bind("a1", Pod("w2", PodSpec{.labels = {{"app", "web"}}}));
  c.Bind("b1", Pod("w3", PodSpec{.labels = {{"app", "web"}}}));
  // zone a: 2, zone b: 1 -> with maxSkew 1 only zone b fits (a would make 3-1 = 2).
  auto r = c.Schedule(Spread("p", "zone", 1));
  EXPECT_EQ(r.node, "b1");
  // Fill b up to 2: both zones fit again.
  c.Bind("b1", Pod("w4", PodSpec{.labels = {{"app", "web"}}}));
  c.Bind("b1", Pod("w5", PodSpec{.labels = {{"app", "web"}}}));  // b: 3, a: 2
  r = c.Schedule(Spread("p", "zone", 1));
  EXPECT_EQ(r.node, "a1");
  c.snapshot().RemoveNode("a1");
  r = c.Schedule(Spread("p", "zone", 1));
  EXPECT_EQ(r.node, "b1");  // only one domain left: skew 0
}

TEST(PodTopologySpreadTest, ReasonsForSkewAndMissingLabel) {
  Cluster c;
  c.AddNode("a1", NodeSpec{.labels = {{"zone", "a"}}});
  c.AddNode("b1", NodeSpec{.pods = 1, .labels = {{"zone", "b"}}});
  c.AddNode("nolabel");
  c.Bind("a1", Pod("w1", PodSpec{.labels = {{"app", "web"}}}));
  c.Bind("a1", Pod("w2", PodSpec{.labels = {{"app", "web"}}}));
  c.Bind("b1", Pod("x"));  // b1 is full
  auto r = c.Schedule(Spread("p", "zone", 1));
  EXPECT_EQ(r.message,
            "0/3 nodes are available: 1 Too many pods, 1 node(s) didn't match pod topology "
            "spread constraints, 1 node(s) didn't match pod topology spread constraints (missing "
            "required label).");
  // Pods of other namespaces or labels do not count.
  auto other = Pod("p", PodSpec{.labels = {{"app", "api"}}, .ns = "other"});
  EXPECT_NE(c.Schedule(other).node, "b1");
}

TEST(PodTopologySpreadTest, MinDomainsForcesSpreadingToNewDomains) {
  Cluster c;
  c.AddNode("a1", NodeSpec{.labels = {{"zone", "a"}}});
  c.Bind("a1", Pod("w1", PodSpec{.labels = {{"app", "web"}}}));
  // One domain, minDomains 2: the global minimum counts as 0, so a second pod in zone a would
  // make skew 2 > 1.
  EXPECT_EQ(c.Schedule(Spread("p", "zone", 1, "DoNotSchedule", R"(, "minDomains": 2)")).message,
            "0/1 nodes are available: 1 node(s) didn't match pod topology spread constraints.");
  EXPECT_EQ(c.Schedule(Spread("p", "zone", 1)).node, "a1");
}

TEST(PodTopologySpreadTest, HostnameSpreadPlacesEvenly) {
  Cluster c;
  for (int i = 0; i < 4; i++) c.AddNode("n" + std::to_string(i));
  for (int i = 0; i < 12; i++) {
    auto r = c.ScheduleAndBind(Spread("w" + std::to_string(i), "kubernetes.io/hostname", 1));
    ASSERT_NE(r.node, "") << r.message;
  }
  for (int i = 0; i < 4; i++) {
    EXPECT_EQ(c.snapshot().FindNode("n" + std::to_string(i))->pods.size(), 3u);
  }
}

TEST(PodTopologySpreadTest, ScheduleAnywayPrefersEmptierZones) {
  Cluster c;
  c.AddNode("a1", NodeSpec{.labels = {{"zone", "a"}}});
  c.AddNode("a2", NodeSpec{.labels = {{"zone", "a"}}});
  c.AddNode("b1", NodeSpec{.labels = {{"zone", "b"}}});
  for (int i = 0; i < 3; i++) c.Bind("a1", Pod("w" + std::to_string(i), PodSpec{.labels = {{"app", "web"}}}));
  for (int i = 0; i < 5; i++) {
    EXPECT_EQ(c.Schedule(Spread("p", "zone", 1, "ScheduleAnyway")).node, "b1");
  }
  // Soft: still schedulable when skew cannot be respected.
  c.snapshot().RemoveNode("b1");
  EXPECT_EQ(c.Schedule(Spread("p", "zone", 1, "ScheduleAnyway")).node, "a2");  // fewer web pods on a2 via balance
}

}  // namespace
}  // namespace berth::scheduler
