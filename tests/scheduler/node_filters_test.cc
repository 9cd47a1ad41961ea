// NodeUnschedulable, NodeName, NodePorts, NodeAffinity and TaintToleration.
#include <gtest/gtest.h>

#include "harness.h"

namespace berth::scheduler {
namespace {

using testing::Cluster;
using testing::NodeSpec;
using testing::Pod;
using testing::PodSpec;

TEST(NodeUnschedulableTest, CordonedNodesAreSkippedUnlessTolerated) {
  Cluster c;
  c.AddNode("n1", NodeSpec{.unschedulable = true});
  EXPECT_EQ(c.Schedule(Pod("p")).message,
            "0/1 nodes are available: 1 node(s) were unschedulable.");
  auto tolerant = Pod("t", PodSpec{.spec_json = R"({"tolerations": [
      {"key": "node.kubernetes.io/unschedulable", "operator": "Exists", "effect": "NoSchedule"}]})"});
  EXPECT_EQ(c.Schedule(tolerant).node, "n1");
  c.AddNode("n1");  // uncordon
  EXPECT_EQ(c.Schedule(Pod("p")).node, "n1");
}

TEST(NodeNameTest, OnlyTheNamedNode) {
  Cluster c;
  c.AddNode("a").AddNode("b");
  auto p = Pod("p");
  p["spec"].as_object()["nodeName"] = "c";
  EXPECT_EQ(c.Schedule(p).message,
            "0/2 nodes are available: 2 node(s) didn't match the requested node name.");
  p["spec"].as_object()["nodeName"] = "b";
  EXPECT_EQ(c.Schedule(p).node, "b");
}

json::object PortPod(const std::string& name, int port, const std::string& ip = "",
                     const std::string& proto = "") {
  std::string ports = R"({"containerPort": 80, "hostPort": )" + std::to_string(port);
  if (!ip.empty()) ports += R"(, "hostIP": ")" + ip + "\"";
  if (!proto.empty()) ports += R"(, "protocol": ")" + proto + "\"";
  ports += "}";
  return Pod(name, PodSpec{.spec_json = R"({"containers": [{"name": "c", "ports": [)" + ports +
                                        "]}]}"});
}

TEST(NodePortsTest, ConflictsByProtocolPortAndIp) {
  Cluster c;
  c.AddNode("n1");
  c.Bind("n1", PortPod("web", 8080, "10.0.0.1"));
  const std::string busy =
      "0/1 nodes are available: 1 node(s) didn't have free ports for the requested pod ports.";
  EXPECT_EQ(c.Schedule(PortPod("same", 8080, "10.0.0.1")).message, busy);
  EXPECT_EQ(c.Schedule(PortPod("wildcard", 8080)).message, busy);  // 0.0.0.0 vs 10.0.0.1
  EXPECT_EQ(c.Schedule(PortPod("other-ip", 8080, "10.0.0.2")).node, "n1");
  EXPECT_EQ(c.Schedule(PortPod("udp", 8080, "10.0.0.1", "UDP")).node, "n1");
  EXPECT_EQ(c.Schedule(PortPod("other-port", 8081)).node, "n1");
  c.snapshot().RemovePod("default", "web");
  EXPECT_EQ(c.Schedule(PortPod("same", 8080, "10.0.0.1")).node, "n1");
}

TEST(NodeAffinityTest, NodeSelector) {
  Cluster c;
  c.AddNode("ssd", NodeSpec{.labels = {{"disk", "ssd"}}}).AddNode("hdd", NodeSpec{.labels = {{"disk", "hdd"}}});
  EXPECT_EQ(c.Schedule(Pod("p", PodSpec{.spec_json = R"({"nodeSelector": {"disk": "ssd"}})"})).node,
            "ssd");
  EXPECT_EQ(c.Schedule(Pod("p", PodSpec{.spec_json = R"({"nodeSelector": {"disk": "nvme"}})"}))
                .message,
            "0/2 nodes are available: 2 node(s) didn't match Pod's node affinity/selector.");
}

// Schedules a pod with required node affinity `terms` (JSON array) and returns the node.
std::string PlaceWithTerms(Cluster& c, const std::string& terms) {
  return c
      .Schedule(Pod("p", PodSpec{.spec_json = R"({"affinity": {"nodeAffinity": {
          "requiredDuringSchedulingIgnoredDuringExecution": {"nodeSelectorTerms": )" +
                                                terms + "}}}}"}))
      .node;
}

TEST(NodeAffinityTest, RequiredOperatorsAndFields) {
  Cluster c;
  c.AddNode("small", NodeSpec{.labels = {{"cores", "4"}, {"zone", "a"}}});
  c.AddNode("big", NodeSpec{.labels = {{"cores", "64"}, {"zone", "b"}, {"gpu", "yes"}}});
  EXPECT_EQ(PlaceWithTerms(c, R"([{"matchExpressions": [{"key": "zone", "operator": "In", "values": ["b", "c"]}]}])"), "big");
  EXPECT_EQ(PlaceWithTerms(c, R"([{"matchExpressions": [{"key": "zone", "operator": "NotIn", "values": ["b"]}]}])"), "small");
  EXPECT_EQ(PlaceWithTerms(c, R"([{"matchExpressions": [{"key": "gpu", "operator": "Exists"}]}])"), "big");
  EXPECT_EQ(PlaceWithTerms(c, R"([{"matchExpressions": [{"key": "gpu", "operator": "DoesNotExist"}]}])"), "small");
  EXPECT_EQ(PlaceWithTerms(c, R"([{"matchExpressions": [{"key": "cores", "operator": "Gt", "values": ["8"]}]}])"), "big");
  EXPECT_EQ(PlaceWithTerms(c, R"([{"matchExpressions": [{"key": "cores", "operator": "Lt", "values": ["8"]}]}])"), "small");
  EXPECT_EQ(PlaceWithTerms(c, R"([{"matchFields": [{"key": "metadata.name", "operator": "In", "values": ["small"]}]}])"), "small");
  EXPECT_EQ(PlaceWithTerms(c, R"([{"matchFields": [{"key": "metadata.name", "operator": "NotIn", "values": ["small"]}]}])"), "big");
  // Terms are ORed; expressions within a term ANDed.
  EXPECT_EQ(PlaceWithTerms(c, R"([{"matchExpressions": [{"key": "zone", "operator": "In", "values": ["a"]},
      {"key": "gpu", "operator": "Exists"}]}, {"matchExpressions": [{"key": "cores", "operator": "In", "values": ["64"]}]}])"), "big");
  EXPECT_EQ(PlaceWithTerms(c, R"([{"matchExpressions": [{"key": "zone", "operator": "In", "values": ["a"]},
      {"key": "gpu", "operator": "Exists"}]}])"), "");
  // An empty term matches nothing.
  EXPECT_EQ(PlaceWithTerms(c, R"([{}])"), "");
}

TEST(NodeAffinityTest, PreferredTermsScore) {
  Cluster c;
  c.AddNode("a", NodeSpec{.labels = {{"zone", "a"}}});
  c.AddNode("b", NodeSpec{.labels = {{"zone", "b"}, {"fast", "1"}}});
  c.AddNode("c", NodeSpec{.labels = {{"zone", "c"}}});
  auto pod = Pod("p", PodSpec{.spec_json = R"({"affinity": {"nodeAffinity": {
      "preferredDuringSchedulingIgnoredDuringExecution": [
        {"weight": 10, "preference": {"matchExpressions": [{"key": "zone", "operator": "In", "values": ["a"]}]}},
        {"weight": 30, "preference": {"matchExpressions": [{"key": "fast", "operator": "Exists"}]}}]}}})"});
  for (int i = 0; i < 5; i++) EXPECT_EQ(c.Schedule(pod).node, "b");
}

TEST(TaintTolerationTest, NoScheduleAndNoExecuteFilter) {
  Cluster c;
  c.AddNode("n1", NodeSpec{.taints_json = R"([{"key": "node.kubernetes.io/unreachable", "effect": "NoExecute"}])"});
  c.AddNode("n2", NodeSpec{.taints_json = R"([{"key": "node.kubernetes.io/unreachable", "effect": "NoExecute"}])"});
  c.AddNode("n3", NodeSpec{.cpu = "1", .taints_json = R"([{"key": "dedicated", "value": "db", "effect": "PreferNoSchedule"}])"});
  auto r = c.Schedule(Pod("p", PodSpec{.cpu = "2"}));
  EXPECT_EQ(r.message,
            "0/3 nodes are available: 1 Insufficient cpu, 2 node(s) had untolerated taint "
            "{node.kubernetes.io/unreachable: }.");
  EXPECT_EQ(r.evaluated_nodes, 3);
  // Tolerating it by key (Exists) lets the pod in.
  auto tolerant = Pod("t", PodSpec{.cpu = "2", .spec_json = R"({"tolerations": [
      {"key": "node.kubernetes.io/unreachable", "operator": "Exists", "effect": "NoExecute",
       "tolerationSeconds": 300}]})"});
  EXPECT_NE(c.Schedule(tolerant).node, "");
}

TEST(TaintTolerationTest, ValueAndEffectMatching) {
  Cluster c;
  c.AddNode("n1", NodeSpec{.taints_json = R"([{"key": "dedicated", "value": "db", "effect": "NoSchedule"}])"});
  auto with = [](const std::string& tol) {
    return Pod("p", PodSpec{.spec_json = R"({"tolerations": [)" + tol + "]}"});
  };
  EXPECT_EQ(c.Schedule(with(R"({"key": "dedicated", "value": "db", "effect": "NoSchedule"})")).node, "n1");
  EXPECT_EQ(c.Schedule(with(R"({"key": "dedicated", "operator": "Equal", "value": "db"})")).node, "n1");
  EXPECT_EQ(c.Schedule(with(R"({"operator": "Exists"})")).node, "n1");
  EXPECT_EQ(c.Schedule(with(R"({"key": "dedicated", "value": "web", "effect": "NoSchedule"})")).message,
            "0/1 nodes are available: 1 node(s) had untolerated taint {dedicated: db}.");
  EXPECT_EQ(c.Schedule(with(R"({"key": "dedicated", "value": "db", "effect": "NoExecute"})")).node, "");
}

TEST(TaintTolerationTest, PreferNoScheduleScoring) {
  Cluster c;
  const std::string two = R"([{"key": "a", "effect": "PreferNoSchedule"}, {"key": "b", "effect": "PreferNoSchedule"}])";
  c.AddNode("two", NodeSpec{.taints_json = two});
  c.AddNode("one", NodeSpec{.taints_json = R"([{"key": "a", "effect": "PreferNoSchedule"}])"});
  // PreferNoSchedule never filters.
  c.AddNode("busy-clean", NodeSpec{.taints_json = "[]"});
  c.Bind("busy-clean", Pod("x", PodSpec{.cpu = "3500m", .memory = "7Gi"}));
  // busy-clean: taint score 100*3 but little free capacity; "one" wins over "two".
  auto r = c.Schedule(Pod("p", PodSpec{.cpu = "100m"}));
  EXPECT_EQ(r.node, "busy-clean");
  c.snapshot().RemoveNode("busy-clean");
  for (int i = 0; i < 5; i++) EXPECT_EQ(c.Schedule(Pod("p", PodSpec{.cpu = "100m"})).node, "one");
  // Tolerating "b" makes "two" as good as "one" for taints: both then tie (random pick).
  auto tol = Pod("p", PodSpec{.cpu = "100m", .spec_json = R"({"tolerations": [
      {"key": "b", "operator": "Exists", "effect": "PreferNoSchedule"}]})"});
  std::set<std::string> seen;
  for (int i = 0; i < 40; i++) seen.insert(c.Schedule(tol).node);
  EXPECT_EQ(seen, (std::set<std::string>{"one", "two"}));
}

}  // namespace
}  // namespace berth::scheduler
