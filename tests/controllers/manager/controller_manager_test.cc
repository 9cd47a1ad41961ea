// The whole control plane (every controller and the scheduler under leader election) against a
// real in-process API server with simulated nodes (Node objects, no agents): a Deployment's pods
// are created, spread and bound; a pod that fits nowhere is reported the way kube reports it;
// only one of two managers leads.
#include "controllers/manager/controller_manager.h"

#include <gtest/gtest.h>

#include <map>

#include "controllers/testing/control_plane.h"

namespace berth::controllers {
namespace {

json::object Node(const std::string& name, const std::string& cpu) {
  return json::object{
      {"apiVersion", "v1"},
      {"kind", "Node"},
      {"metadata",
       json::object{{"name", name}, {"labels", json::object{{"kubernetes.io/hostname", name}}}}},
      {"status",
       json::object{{"allocatable", json::object{{"cpu", cpu}, {"memory", "8Gi"}, {"pods", "110"}}},
                    {"capacity", json::object{{"cpu", cpu}, {"memory", "8Gi"}, {"pods", "110"}}},
                    {"conditions",
                     json::array{json::object{{"type", "Ready"}, {"status", "True"}}}}}}};
}

json::object Deployment(const std::string& name, int replicas, const std::string& cpu) {
  json::object labels{{"app", name}};
  return json::object{
      {"apiVersion", "apps/v1"},
      {"kind", "Deployment"},
      {"metadata", json::object{{"name", name}}},
      {"spec",
       json::object{
           {"replicas", replicas},
           {"selector", json::object{{"matchLabels", labels}}},
           {"template",
            json::object{{"metadata", json::object{{"labels", labels}}},
                         {"spec",
                          json::object{{"containers",
                                        json::array{json::object{
                                            {"name", "c"},
                                            {"image", "x"},
                                            {"resources",
                                             json::object{{"requests",
                                                           json::object{{"cpu", cpu}}}}}}}}}}}}}}};
}

class ControllerManagerTest : public ::testing::Test {
 protected:
  ControllerManagerOptions Options(const std::string& id) {
    ControllerManagerOptions o;
    o.identity = id;
    o.workers = 2;
    o.leader_election.retry_period = std::chrono::milliseconds(100);
    return o;
  }
  testing::ControlPlane cp_;
};

TEST_F(ControllerManagerTest, DeploymentPodsAreCreatedSpreadAndBound) {
  for (const char* n : {"n1", "n2", "n3"}) cp_.Create("/api/v1/nodes", Node(n, "2"));
  ControllerManager cm(cp_.client(), &SystemClock::Get(), Options("a"));
  cm.Start();
  cp_.Create("/apis/apps/v1/namespaces/default/deployments", Deployment("web", 6, "500m"));
  std::map<std::string, int> per_node;
  ASSERT_TRUE(cp_.WaitFor(
      [&] {
        per_node.clear();
        int bound = 0;
        for (const auto& p : cp_.List("/api/v1/namespaces/default/pods")) {
          std::string node = GetString(p.as_object(), {"spec", "nodeName"});
          if (!node.empty()) {
            bound++;
            per_node[node]++;
          }
        }
        return bound == 6;
      },
      std::chrono::seconds(20)));
  EXPECT_EQ(per_node, (std::map<std::string, int>{{"n1", 2}, {"n2", 2}, {"n3", 2}}));
  // Each node has room for 4 such pods: 13 replicas need 6.5 cpu of 6.
  auto scaled = cp_.client()->Patch("/apis/apps/v1/namespaces/default/deployments/web",
                                    json::object{{"spec", json::object{{"replicas", 13}}}});
  ASSERT_TRUE(scaled.ok()) << scaled.status().ToString();
  std::string message;
  ASSERT_TRUE(cp_.WaitFor(
      [&] {
        for (const auto& p : cp_.List("/api/v1/namespaces/default/pods")) {
          const auto* conds = p.as_object().at("status").as_object().if_contains("conditions");
          if (!conds) continue;
          for (const auto& c : conds->as_array()) {
            if (GetString(c.as_object(), {"reason"}) == "Unschedulable") {
              message = GetString(c.as_object(), {"message"});
              return true;
            }
          }
        }
        return false;
      },
      std::chrono::seconds(20)));
  EXPECT_EQ(message, "0/3 nodes are available: 3 Insufficient cpu.");
  // A new node is a cluster change: the waiting pod is placed without polling.
  cp_.Create("/api/v1/nodes", Node("n4", "2"));
  ASSERT_TRUE(cp_.WaitFor(
      [&] {
        int bound = 0;
        for (const auto& p : cp_.List("/api/v1/namespaces/default/pods")) {
          if (!GetString(p.as_object(), {"spec", "nodeName"}).empty()) bound++;
        }
        return bound == 13;
      },
      std::chrono::seconds(20)));
  cm.Stop();
}

TEST_F(ControllerManagerTest, ServicesGetEndpointSlicesAndEndpoints) {
  ControllerManager cm(cp_.client(), &SystemClock::Get(), Options("a"));
  cm.Start();
  json::object labels{{"app", "web"}};
  cp_.Create("/api/v1/namespaces/default/services",
             json::object{{"apiVersion", "v1"},
                          {"kind", "Service"},
                          {"metadata", json::object{{"name", "web"}}},
                          {"spec", json::object{{"selector", labels},
                                                {"ports", json::array{json::object{
                                                              {"port", 80}}}}}}});
  cp_.Create("/api/v1/namespaces/default/pods",
             json::object{{"apiVersion", "v1"},
                          {"kind", "Pod"},
                          {"metadata", json::object{{"name", "web-0"}, {"labels", labels}}},
                          {"spec", json::object{{"containers", json::array{json::object{
                                                                   {"name", "c"},
                                                                   {"image", "x"}}}}}}});
  ASSERT_TRUE(cp_.client()
                  ->Patch("/api/v1/namespaces/default/pods/web-0/status",
                          json::object{{"status", json::object{{"podIP", "10.244.0.9"}}}})
                  .ok());
  EXPECT_TRUE(cp_.WaitFor([&] {
    for (const auto& s : cp_.List("/apis/discovery.k8s.io/v1/namespaces/default/endpointslices")) {
      if (GetString(s.as_object(), {"metadata", "labels", "kubernetes.io/service-name"}) != "web") {
        continue;
      }
      const json::value* eps = GetPath(s, {"endpoints"});
      if (eps && eps->is_array() && eps->as_array().size() == 1) return true;
    }
    return false;
  }));
  EXPECT_TRUE(cp_.WaitFor([&] {
    auto ep = cp_.client()->Get("/api/v1/namespaces/default/endpoints/web");
    return ep.ok() && GetPath(*ep, {"subsets"}) != nullptr;
  }));
  cm.Stop();
}

TEST_F(ControllerManagerTest, OnlyOneManagerLeads) {
  ControllerManager a(cp_.client(), &SystemClock::Get(), Options("a"));
  ControllerManager b(cp_.client(), &SystemClock::Get(), Options("b"));
  a.Start();
  ASSERT_TRUE(cp_.WaitFor([&] { return a.leading(); }));
  b.Start();
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  EXPECT_FALSE(b.leading());
  a.Stop();  // releases the Lease: b takes over at once
  ASSERT_TRUE(cp_.WaitFor([&] { return b.leading(); }));
  b.Stop();
}

}  // namespace
}  // namespace berth::controllers
