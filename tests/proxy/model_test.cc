// The model from Service and EndpointSlice JSON: port matching, endpoint conditions, traffic
// policies, affinity, skipped services.
#include "proxy/model.h"

#include <gtest/gtest.h>

namespace berth::proxy {
namespace {

json::object Parse(const char* text) {
  auto v = ParseJson(text);
  EXPECT_TRUE(v.ok()) << v.status().ToString();
  return v->as_object();
}

ModelOptions Node1() { return ModelOptions{"n1", ""}; }

std::vector<ServicePort> Build(const json::object& svc, const std::vector<json::object>& slices,
                               ModelOptions o = Node1()) {
  std::vector<const json::object*> ptrs;
  for (const auto& s : slices) ptrs.push_back(&s);
  return BuildServicePorts(svc, ptrs, o);
}

const char* kWeb = R"({"metadata":{"namespace":"default","name":"web"},
  "spec":{"type":"ClusterIP","clusterIP":"10.96.0.10",
          "ports":[{"name":"http","protocol":"TCP","port":80,"targetPort":8080},
                   {"name":"dns","protocol":"UDP","port":53}]}})";

// ready on n1, ready on n2, not ready on n1, serving+terminating on n1.
const char* kWebSlice = R"({"metadata":{"namespace":"default","name":"web-abc",
    "labels":{"kubernetes.io/service-name":"web"}},
  "addressType":"IPv4",
  "ports":[{"name":"http","protocol":"TCP","port":8080},{"name":"dns","protocol":"UDP","port":5353}],
  "endpoints":[
    {"addresses":["10.88.1.2"],"conditions":{"ready":true,"serving":true,"terminating":false},"nodeName":"n1"},
    {"addresses":["10.88.2.3"],"conditions":{"ready":true},"nodeName":"n2"},
    {"addresses":["10.88.1.4"],"conditions":{"ready":false,"serving":false},"nodeName":"n1"},
    {"addresses":["10.88.1.5"],"conditions":{"ready":false,"serving":true,"terminating":true},"nodeName":"n1"}]})";

TEST(ModelTest, PortsMatchSlicePortsByNameAndProtocol) {
  auto ports = Build(Parse(kWeb), {Parse(kWebSlice)});
  ASSERT_EQ(ports.size(), 2u);
  EXPECT_EQ(ports[0].Key(), "default/web/tcp/http");
  EXPECT_EQ(ports[0].cluster_ip, "10.96.0.10");
  EXPECT_EQ(ports[0].port, 80);
  EXPECT_EQ(ports[0].cluster_backends,
            (std::vector<Backend>{{"10.88.1.2", 8080}, {"10.88.2.3", 8080}}));
  EXPECT_EQ(ports[1].Key(), "default/web/udp/dns");
  EXPECT_EQ(ports[1].cluster_backends,
            (std::vector<Backend>{{"10.88.1.2", 5353}, {"10.88.2.3", 5353}}));
  EXPECT_FALSE(ports[0].HasExternal());
  EXPECT_TRUE(ports[0].external_backends.empty());
}

TEST(ModelTest, NoSlicesMeansReject) {
  auto ports = Build(Parse(kWeb), {});
  ASSERT_EQ(ports.size(), 2u);
  EXPECT_TRUE(ports[0].cluster_backends.empty());
  EXPECT_EQ(ports[0].cluster_none, NoBackend::kReject);
}

TEST(ModelTest, TerminatingEndpointsOnlyWhenNoneIsReady) {
  const char* slice = R"({"metadata":{"namespace":"default","name":"web-x"},
    "addressType":"IPv4","ports":[{"name":"http","protocol":"TCP","port":8080}],
    "endpoints":[
      {"addresses":["10.88.1.5"],"conditions":{"ready":false,"serving":true,"terminating":true}},
      {"addresses":["10.88.1.6"],"conditions":{"ready":false,"serving":false,"terminating":true}},
      {"addresses":["10.88.1.4"],"conditions":{"ready":false}}]})";
  auto ports = Build(Parse(kWeb), {Parse(slice)});
  ASSERT_EQ(ports.size(), 2u);
  EXPECT_EQ(ports[0].cluster_backends, (std::vector<Backend>{{"10.88.1.5", 8080}}));
}

TEST(ModelTest, EndpointsAcrossSlicesAreMergedAndSorted) {
  const char* a = R"({"metadata":{"namespace":"default","name":"a"},"addressType":"IPv4",
    "ports":[{"name":"http","protocol":"TCP","port":8080}],
    "endpoints":[{"addresses":["10.88.2.9"]},{"addresses":["10.88.1.2"]}]})";
  const char* b = R"({"metadata":{"namespace":"default","name":"b"},"addressType":"IPv4",
    "ports":[{"name":"http","protocol":"TCP","port":8080}],
    "endpoints":[{"addresses":["10.88.1.2"],"conditions":{"ready":false}},{"addresses":["10.88.1.10"]}]})";
  const char* v6 = R"({"metadata":{"namespace":"default","name":"c"},"addressType":"IPv6",
    "ports":[{"name":"http","protocol":"TCP","port":8080}],"endpoints":[{"addresses":["fd00::1"]}]})";
  auto ports = Build(Parse(kWeb), {Parse(a), Parse(b), Parse(v6)});
  EXPECT_EQ(ports[0].cluster_backends,
            (std::vector<Backend>{{"10.88.1.10", 8080}, {"10.88.1.2", 8080}, {"10.88.2.9", 8080}}));
}

TEST(ModelTest, InternalTrafficPolicyLocal) {
  json::object svc = Parse(kWeb);
  svc["spec"].as_object()["internalTrafficPolicy"] = "Local";
  auto ports = Build(svc, {Parse(kWebSlice)});
  EXPECT_EQ(ports[0].cluster_backends, (std::vector<Backend>{{"10.88.1.2", 8080}}));
  // On a node without endpoints: traffic is dropped, not rejected (endpoints exist elsewhere).
  auto on_n3 = Build(svc, {Parse(kWebSlice)}, ModelOptions{"n3", ""});
  EXPECT_TRUE(on_n3[0].cluster_backends.empty());
  EXPECT_EQ(on_n3[0].cluster_none, NoBackend::kDrop);
}

TEST(ModelTest, NodePortsAndExternalTrafficPolicy) {
  const char* np = R"({"metadata":{"namespace":"default","name":"web"},
    "spec":{"type":"NodePort","clusterIP":"10.96.0.10","externalTrafficPolicy":"Local",
            "externalIPs":["192.168.77.100","bogus"],
            "ports":[{"name":"http","protocol":"TCP","port":80,"nodePort":30080}]},
    "status":{"loadBalancer":{"ingress":[{"ip":"192.168.77.101"}]}}})";
  auto ports = Build(Parse(np), {Parse(kWebSlice)});
  ASSERT_EQ(ports.size(), 1u);
  EXPECT_EQ(ports[0].node_port, 30080);
  EXPECT_TRUE(ports[0].external_local);
  EXPECT_EQ(ports[0].external_ips, (std::vector<std::string>{"192.168.77.100", "192.168.77.101"}));
  EXPECT_EQ(ports[0].external_backends, (std::vector<Backend>{{"10.88.1.2", 8080}}));
  EXPECT_EQ(ports[0].cluster_backends,
            (std::vector<Backend>{{"10.88.1.2", 8080}, {"10.88.2.3", 8080}}));

  // A ClusterIP service keeps no stale nodePort.
  json::object cip = Parse(np);
  cip["spec"].as_object()["type"] = "ClusterIP";
  cip["spec"].as_object().erase("externalIPs");
  cip.erase("status");
  EXPECT_EQ(Build(cip, {})[0].node_port, 0);
  EXPECT_FALSE(Build(cip, {})[0].HasExternal());
}

TEST(ModelTest, SessionAffinity) {
  json::object svc = Parse(kWeb);
  svc["spec"].as_object()["sessionAffinity"] = "ClientIP";
  EXPECT_EQ(Build(svc, {})[0].affinity_seconds, 10800);
  svc["spec"].as_object()["sessionAffinityConfig"] =
      Parse(R"({"clientIP":{"timeoutSeconds":60}})");
  EXPECT_EQ(Build(svc, {})[0].affinity_seconds, 60);
  svc["spec"].as_object()["sessionAffinity"] = "None";
  EXPECT_EQ(Build(svc, {})[0].affinity_seconds, 0);
}

TEST(ModelTest, SkippedServices) {
  json::object headless = Parse(kWeb);
  headless["spec"].as_object()["clusterIP"] = "None";
  EXPECT_TRUE(Build(headless, {Parse(kWebSlice)}).empty());
  json::object external = Parse(kWeb);
  external["spec"].as_object()["type"] = "ExternalName";
  EXPECT_TRUE(Build(external, {}).empty());
  json::object v6 = Parse(kWeb);
  v6["spec"].as_object()["clusterIP"] = "fd00::10";
  EXPECT_TRUE(Build(v6, {}).empty());
  // The node-local DNS cluster IP belongs to the fixed DNS rules.
  EXPECT_TRUE(Build(Parse(kWeb), {}, ModelOptions{"n1", "10.96.0.10"}).empty());
  EXPECT_EQ(Build(Parse(kWeb), {}, ModelOptions{"n1", "10.96.0.11"}).size(), 2u);
}

TEST(ModelTest, UnnamedPortKeyUsesTheNumber) {
  const char* svc = R"({"metadata":{"namespace":"ns1","name":"one"},
    "spec":{"clusterIP":"10.96.0.11","ports":[{"port":8443}]}})";
  const char* slice = R"({"metadata":{"namespace":"ns1","name":"one-x"},
    "ports":[{"port":443,"protocol":"TCP"}],"endpoints":[{"addresses":["10.88.1.3"]}]})";
  auto ports = Build(Parse(svc), {Parse(slice)});
  ASSERT_EQ(ports.size(), 1u);
  EXPECT_EQ(ports[0].Key(), "ns1/one/tcp/8443");
  EXPECT_EQ(ports[0].cluster_backends, (std::vector<Backend>{{"10.88.1.3", 443}}));
}

}  // namespace
}  // namespace berth::proxy
