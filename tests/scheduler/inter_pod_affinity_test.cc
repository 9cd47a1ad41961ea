// InterPodAffinity: required affinity / anti-affinity by zone and hostname, existing pods'
// anti-affinity, the first-pod rule, namespaces, and preferred terms.
#include <gtest/gtest.h>

#include "harness.h"

namespace berth::scheduler {
namespace {

using testing::Cluster;
using testing::NodeSpec;
using testing::Pod;
using testing::PodSpec;

// A cluster of 4 nodes: zone a (a1, a2) and zone b (b1, b2).
Cluster Zones() {
  Cluster c;
  c.AddNode("a1", NodeSpec{.labels = {{"zone", "a"}}});
  c.AddNode("a2", NodeSpec{.labels = {{"zone", "a"}}});
  c.AddNode("b1", NodeSpec{.labels = {{"zone", "b"}}});
  c.AddNode("b2", NodeSpec{.labels = {{"zone", "b"}}});
  return c;
}

std::string Term(const std::string& app, const std::string& key, const std::string& extra = "") {
  return R"({"labelSelector": {"matchLabels": {"app": ")" + app + R"("}}, "topologyKey": ")" +
         key + "\"" + extra + "}";
}

json::object WithAffinity(const std::string& name, const std::string& app, const std::string& kind,
                          const std::string& term, const std::string& ns = "default") {
  return Pod(name, PodSpec{.labels = {{"app", app}},
                           .ns = ns,
                           .spec_json = R"({"affinity": {")" + kind +
                                        R"(": {"requiredDuringSchedulingIgnoredDuringExecution": [)" +
                                        term + "]}}}"});
}

TEST(InterPodAffinityTest, RequiredAffinityByZone) {
  Cluster c = Zones();
  c.Bind("b1", Pod("db", PodSpec{.labels = {{"app", "db"}}}));
  for (int i = 0; i < 10; i++) {
    auto r = c.Schedule(WithAffinity("web", "web", "podAffinity", Term("db", "zone")));
    EXPECT_TRUE(r.node == "b1" || r.node == "b2") << r.node;
  }
  // No pod with app=cache anywhere and the pod does not select itself: nowhere.
  auto r = c.Schedule(WithAffinity("web", "web", "podAffinity", Term("cache", "zone")));
  EXPECT_EQ(r.message, "0/4 nodes are available: 4 node(s) didn't match pod affinity rules.");
  // A missing topology key never fits.
  r = c.Schedule(WithAffinity("web", "web", "podAffinity", Term("db", "rack")));
  EXPECT_EQ(r.node, "");
}

TEST(InterPodAffinityTest, FirstPodOfASelfAffineGroupGoesAnywhere) {
  Cluster c = Zones();
  auto first = c.ScheduleAndBind(WithAffinity("g1", "group", "podAffinity", Term("group", "zone")));
  ASSERT_NE(first.node, "");
  std::string zone = first.node.substr(0, 1);
  for (int i = 2; i < 8; i++) {
    auto r = c.ScheduleAndBind(
        WithAffinity("g" + std::to_string(i), "group", "podAffinity", Term("group", "zone")));
    EXPECT_EQ(r.node.substr(0, 1), zone) << r.node;
  }
}

TEST(InterPodAffinityTest, RequiredAntiAffinityByHostname) {
  Cluster c = Zones();
  for (int i = 0; i < 4; i++) {
    auto r = c.ScheduleAndBind(WithAffinity("r" + std::to_string(i), "redis", "podAntiAffinity",
                                            Term("redis", "kubernetes.io/hostname")));
    EXPECT_NE(r.node, "");
  }
  for (const char* n : {"a1", "a2", "b1", "b2"}) EXPECT_EQ(c.snapshot().FindNode(n)->pods.size(), 1u);
  auto r = c.Schedule(WithAffinity("r5", "redis", "podAntiAffinity", Term("redis", "kubernetes.io/hostname")));
  // Each node fails on the pod's own anti-affinity first.
  EXPECT_EQ(r.message, "0/4 nodes are available: 4 node(s) didn't match pod anti-affinity rules.");
}

TEST(InterPodAffinityTest, ExistingPodsAntiAffinityByZone) {
  Cluster c = Zones();
  c.Bind("a1", WithAffinity("loner", "loner", "podAntiAffinity", Term("web", "zone")));
  for (int i = 0; i < 10; i++) {
    auto r = c.Schedule(Pod("web", PodSpec{.labels = {{"app", "web"}}}));
    EXPECT_TRUE(r.node == "b1" || r.node == "b2") << r.node;
  }
  c.snapshot().RemoveNode("b1");
  c.snapshot().RemoveNode("b2");
  EXPECT_EQ(c.Schedule(Pod("web", PodSpec{.labels = {{"app", "web"}}})).message,
            "0/2 nodes are available: 2 node(s) didn't satisfy existing pods anti-affinity rules.");
  // Pods the term does not select are unaffected.
  EXPECT_NE(c.Schedule(Pod("api", PodSpec{.labels = {{"app", "api"}}})).node, "");
}

TEST(InterPodAffinityTest, NamespacesOfTerms) {
  Cluster c = Zones();
  c.Bind("a1", Pod("db", PodSpec{.labels = {{"app", "db"}}, .ns = "data"}));
  // Same namespace by default: the db in "data" is invisible from "default".
  EXPECT_EQ(c.Schedule(WithAffinity("w", "web", "podAffinity", Term("db", "zone"))).node, "");
  auto r = c.Schedule(
      WithAffinity("w", "web", "podAffinity", Term("db", "zone", R"(, "namespaces": ["data"])")));
  EXPECT_EQ(r.node.substr(0, 1), "a");
  r = c.Schedule(
      WithAffinity("w", "web", "podAffinity", Term("db", "zone", R"(, "namespaceSelector": {})")));
  EXPECT_EQ(r.node.substr(0, 1), "a");
}

TEST(InterPodAffinityTest, PreferredAffinityAndAntiAffinity) {
  Cluster c = Zones();
  c.Bind("a2", Pod("cache", PodSpec{.labels = {{"app", "cache"}}}));
  c.Bind("b1", Pod("noisy", PodSpec{.labels = {{"app", "noisy"}}}));
  auto pod = Pod("p", PodSpec{.spec_json = R"({"affinity": {
      "podAffinity": {"preferredDuringSchedulingIgnoredDuringExecution": [
        {"weight": 100, "podAffinityTerm": )" + Term("cache", "kubernetes.io/hostname") + R"(}]},
      "podAntiAffinity": {"preferredDuringSchedulingIgnoredDuringExecution": [
        {"weight": 100, "podAffinityTerm": )" + Term("noisy", "zone") + "}]}}}"});
  for (int i = 0; i < 5; i++) EXPECT_EQ(c.Schedule(pod).node, "a2");
  // Existing pods' preferred anti-affinity repels the incoming pod.
  Cluster d = Zones();
  d.Bind("a1", Pod("shy", PodSpec{.labels = {{"app", "shy"}}, .spec_json = R"({"affinity": {
      "podAntiAffinity": {"preferredDuringSchedulingIgnoredDuringExecution": [
        {"weight": 100, "podAffinityTerm": )" + Term("web", "zone") + "}]}}}"}));
  for (int i = 0; i < 10; i++) {
    auto r = d.Schedule(Pod("web", PodSpec{.labels = {{"app", "web"}}}));
    EXPECT_EQ(r.node.substr(0, 1), "b") << r.node;
  }
}

}  // namespace
}  // namespace berth::scheduler
