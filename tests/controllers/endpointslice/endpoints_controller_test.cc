// EndpointsController (legacy core/v1 Endpoints) against a real in-process API server.
#include "controllers/endpointslice/endpoints_controller.h"

#include <gtest/gtest.h>

#include "controllers/endpointslice/endpoint_pods.h"
#include "controllers/endpointslice/endpoint_subsets.h"
#include "fixture.h"

namespace berth::controllers {
namespace {

using EndpointsControllerTest = EndpointsFixture;

json::object App(const std::string& v) { return json::object{{"app", v}}; }

TEST_F(EndpointsControllerTest, SubsetsOfReadyNotReadyAndTerminatingPods) {
  CreateService("web", App("web"), json::array{Port("http", 80, 8080)}, {},
                json::object{{"team", "a"}});
  CreatePod("b-ready", App("web"), {.ip = "10.0.0.2", .ready = true, .node = "n1"});
  CreatePod("a-ready", App("web"), {.ip = "10.0.0.1", .ready = true, .node = "n1",
                                    .hostname = "a", .subdomain = "web"});
  CreatePod("unready", App("web"), {.ip = "10.0.0.3", .ready = false, .node = "n2"});
  CreatePod("going", App("web"), {.ip = "10.0.0.4", .ready = true, .node = "n1"});
  CreatePod("failed", App("web"), {.ip = "10.0.0.5", .phase = "Failed"});
  ASSERT_TRUE(cp.client()
                  ->Delete("/api/v1/namespaces/default/pods/going",
                           json::object{{"gracePeriodSeconds", 30}})
                  .ok());
  Sync("web");

  auto got = GetEndpoints("web");
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  const json::object& ep = got->as_object();
  EXPECT_EQ(GetString(ep, {"metadata", "labels", "team"}), "a");
  const json::array& subsets = GetPath(ep, {"subsets"})->as_array();
  ASSERT_EQ(subsets.size(), 1u);
  const json::object& ss = subsets[0].as_object();
  EXPECT_EQ(json::serialize(*GetPath(ss, {"ports"})),
            R"([{"name":"http","port":8080,"protocol":"TCP"}])");
  const json::array& ready = GetPath(ss, {"addresses"})->as_array();
  ASSERT_EQ(ready.size(), 2u);  // sorted by IP; the terminating pod is left out
  EXPECT_EQ(GetString(ready[0], {"ip"}), "10.0.0.1");
  EXPECT_EQ(GetString(ready[0], {"hostname"}), "a");
  EXPECT_EQ(GetString(ready[0], {"nodeName"}), "n1");
  EXPECT_EQ(GetString(ready[0], {"targetRef", "kind"}), "Pod");
  EXPECT_EQ(GetString(ready[0], {"targetRef", "name"}), "a-ready");
  EXPECT_EQ(GetString(ready[0], {"targetRef", "namespace"}), "default");
  EXPECT_FALSE(GetString(ready[0], {"targetRef", "uid"}).empty());
  EXPECT_EQ(GetString(ready[1], {"ip"}), "10.0.0.2");
  EXPECT_EQ(GetPath(ready[1], {"hostname"}), nullptr);
  const json::array& not_ready = GetPath(ss, {"notReadyAddresses"})->as_array();
  ASSERT_EQ(not_ready.size(), 1u);
  EXPECT_EQ(GetString(not_ready[0], {"ip"}), "10.0.0.3");
  EXPECT_EQ(GetString(not_ready[0], {"nodeName"}), "n2");

  // No change, no write.
  std::string rv = GetString(ep, {"metadata", "resourceVersion"});
  int writes = counting.writes;
  Sync("web");
  EXPECT_EQ(counting.writes, writes);
  EXPECT_EQ(GetString(*GetEndpoints("web"), {"metadata", "resourceVersion"}), rv);
}

TEST_F(EndpointsControllerTest, EmptyEndpointsExistForServicesWithoutPods) {
  CreateService("lonely", App("lonely"), json::array{Port("", 80)});
  Sync("lonely");
  auto got = GetEndpoints("lonely");
  ASSERT_TRUE(got.ok());
  const json::value* ss = GetPath(*got, {"subsets"});
  EXPECT_TRUE(!ss || ss->is_null() || ss->as_array().empty());
}

TEST_F(EndpointsControllerTest, NamedPortsGroupAddressesBySubset) {
  CreateService("api", App("api"), json::array{Port("", 80, "web")});
  CreatePod("p1", App("api"), {.ip = "10.0.1.1", .container_ports = NamedPort("web", 8080)});
  CreatePod("p2", App("api"), {.ip = "10.0.1.2", .container_ports = NamedPort("web", 9090)});
  CreatePod("p3", App("api"), {.ip = "10.0.1.3"});  // no such port: left out
  Sync("api");
  auto got = GetEndpoints("api");
  ASSERT_TRUE(got.ok());
  const json::array& subsets = GetPath(*got, {"subsets"})->as_array();
  ASSERT_EQ(subsets.size(), 2u);
  std::map<int64_t, std::string> ip_by_port;
  for (const auto& s : subsets) {
    ASSERT_EQ(GetPath(s, {"addresses"})->as_array().size(), 1u);
    ip_by_port[GetInt(GetPath(s, {"ports"})->as_array()[0], {"port"})] =
        GetString(GetPath(s, {"addresses"})->as_array()[0], {"ip"});
  }
  EXPECT_EQ(ip_by_port, (std::map<int64_t, std::string>{{8080, "10.0.1.1"}, {9090, "10.0.1.2"}}));
}

TEST_F(EndpointsControllerTest, HeadlessPublishNotReadyAndNoPorts) {
  CreateService("db", App("db"), json::array{},
                json::object{{"clusterIP", "None"}, {"publishNotReadyAddresses", true}});
  CreatePod("db-0", App("db"), {.ip = "10.0.2.1", .ready = false, .hostname = "db-0",
                                .subdomain = "db"});
  Sync("db");
  auto got = GetEndpoints("db");
  ASSERT_TRUE(got.ok());
  EXPECT_NE(GetPath(*got, {"metadata", "labels", "service.kubernetes.io/headless"}), nullptr);
  const json::array& subsets = GetPath(*got, {"subsets"})->as_array();
  ASSERT_EQ(subsets.size(), 1u);
  EXPECT_EQ(GetPath(subsets[0], {"ports"}), nullptr);
  EXPECT_EQ(GetPath(subsets[0], {"notReadyAddresses"}), nullptr);
  const json::array& addrs = GetPath(subsets[0], {"addresses"})->as_array();
  ASSERT_EQ(addrs.size(), 1u);
  EXPECT_EQ(GetString(addrs[0], {"hostname"}), "db-0");
}

TEST_F(EndpointsControllerTest, DeletedEndpointsAreRecreatedAndEditsReverted) {
  CreateService("web", App("web"), json::array{Port("", 80)});
  CreatePod("p", App("web"), {.ip = "10.0.3.1"});
  Sync("web");
  ASSERT_TRUE(cp.client()->Delete(std::string(kEndpoints) + "/web").ok());
  ASSERT_TRUE(cp.WaitFor([&] { return eps->queue().Len() > 0; }));
  Sync("web");
  auto got = GetEndpoints("web");
  ASSERT_TRUE(got.ok());
  json::object edited = got->as_object();
  edited["subsets"] = json::array{};
  ASSERT_TRUE(cp.client()->Update(std::string(kEndpoints) + "/web", edited).ok());
  Sync("web");
  got = GetEndpoints("web");
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(
      GetString(GetPath(GetPath(*got, {"subsets"})->as_array()[0], {"addresses"})->as_array()[0],
                {"ip"}),
      "10.0.3.1");
}

TEST_F(EndpointsControllerTest, BuildSubsetsTruncatesOverCapacity) {
  CreateService("big", App("big"), json::array{Port("", 80)});
  for (int i = 0; i < 3; ++i) {
    CreatePod("p" + std::to_string(i), App("big"), {.ip = "10.0.4." + std::to_string(i + 1)});
  }
  CatchUp();
  // The pure function with a small limit (the controller uses 1000).
  auto selector = endpoints::ManagedSelector(
      *cp.informers()->For("/api/v1/services")->Get("default", "big"));
  ASSERT_TRUE(selector.has_value());
  bool truncated = false;
  json::array subsets = endpoints::BuildSubsets(
      *cp.informers()->For("/api/v1/services")->Get("default", "big"), *selector,
      cp.informers()->For("/api/v1/pods")->List("default"), 2, &truncated);
  EXPECT_TRUE(truncated);
  ASSERT_EQ(subsets.size(), 1u);
  EXPECT_EQ(GetPath(subsets[0], {"addresses"})->as_array().size(), 2u);
}

}  // namespace
}  // namespace berth::controllers
