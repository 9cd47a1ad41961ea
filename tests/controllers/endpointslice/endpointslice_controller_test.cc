// EndpointSliceController against a real in-process API server: endpoint conditions, target
// ports, headless services, splitting over slices, pods moving in and out of a selector,
// deletion, selector-less services, user edits, zones, no rewrites, and latency with workers.
#include "controllers/endpointslice/endpointslice_controller.h"

#include <gtest/gtest.h>

#include <set>

#include "fixture.h"

namespace berth::controllers {
namespace {

using EndpointSliceTest = EndpointsFixture;

json::object App(const std::string& v) { return json::object{{"app", v}}; }

TEST_F(EndpointSliceTest, ConditionsOfReadyNotReadyAndTerminatingPods) {
  json::object svc = CreateService("web", App("web"), json::array{Port("", 80, 8080)}, {},
                                   json::object{{"team", "a"}});
  CreateNode("n1", "zone-a");
  CreatePod("ready", App("web"), {.ip = "10.0.0.1", .ready = true, .node = "n1"});
  CreatePod("unready", App("web"), {.ip = "10.0.0.2", .ready = false, .node = "n1"});
  CreatePod("going", App("web"), {.ip = "10.0.0.3", .ready = true, .node = "n1"});
  CreatePod("noip", App("web"), {.ip = "", .ready = true});
  CreatePod("done", App("web"), {.ip = "10.0.0.5", .ready = false, .phase = "Succeeded"});
  CreatePod("other", App("db"), {.ip = "10.0.0.6", .ready = true});
  ASSERT_TRUE(cp.client()
                  ->Delete("/api/v1/namespaces/default/pods/going",
                           json::object{{"gracePeriodSeconds", 30}})
                  .ok());
  Sync("web");

  json::array list = SlicesOf("web");
  ASSERT_EQ(list.size(), 1u);
  const json::object& slice = list[0].as_object();
  EXPECT_EQ(GetString(slice, {"metadata", "name"}).rfind("web-", 0), 0u);
  EXPECT_EQ(GetString(slice, {"metadata", "generateName"}), "web-");
  EXPECT_EQ(GetString(slice, {"addressType"}), "IPv4");
  EXPECT_EQ(GetString(slice, {"metadata", "labels", "endpointslice.kubernetes.io/managed-by"}),
            "endpointslice-controller.k8s.io");
  EXPECT_EQ(GetString(slice, {"metadata", "labels", "team"}), "a");
  EXPECT_EQ(GetPath(slice, {"metadata", "labels", "service.kubernetes.io/headless"}), nullptr);
  const json::value* owners = GetPath(slice, {"metadata", "ownerReferences"});
  ASSERT_TRUE(owners && owners->is_array() && owners->as_array().size() == 1);
  EXPECT_EQ(GetString(owners->as_array()[0], {"kind"}), "Service");
  EXPECT_EQ(GetString(owners->as_array()[0], {"uid"}), GetString(svc, {"metadata", "uid"}));
  EXPECT_TRUE(GetPath(owners->as_array()[0], {"controller"})->as_bool());
  EXPECT_EQ(json::serialize(*GetPath(slice, {"ports"})),
            R"([{"name":"","protocol":"TCP","port":8080}])");

  EXPECT_EQ(EndpointsIn(list).size(), 3u);  // noip, done and other are not endpoints
  json::object ready = EndpointOf(list, "ready");
  EXPECT_TRUE(Cond(ready, "ready"));
  EXPECT_TRUE(Cond(ready, "serving"));
  EXPECT_FALSE(Cond(ready, "terminating"));
  EXPECT_EQ(json::serialize(*GetPath(ready, {"addresses"})), R"(["10.0.0.1"])");
  EXPECT_EQ(GetString(ready, {"nodeName"}), "n1");
  EXPECT_EQ(GetString(ready, {"zone"}), "zone-a");
  EXPECT_EQ(GetString(ready, {"targetRef", "kind"}), "Pod");
  EXPECT_EQ(GetString(ready, {"targetRef", "namespace"}), "default");
  EXPECT_FALSE(GetString(ready, {"targetRef", "uid"}).empty());
  EXPECT_EQ(GetPath(ready, {"hostname"}), nullptr);

  json::object unready = EndpointOf(list, "unready");
  EXPECT_FALSE(Cond(unready, "ready"));
  EXPECT_FALSE(Cond(unready, "serving"));
  EXPECT_FALSE(Cond(unready, "terminating"));

  json::object going = EndpointOf(list, "going");
  EXPECT_FALSE(Cond(going, "ready"));
  EXPECT_TRUE(Cond(going, "serving"));
  EXPECT_TRUE(Cond(going, "terminating"));

  // Nothing changed: nothing is written.
  auto before = SliceVersions("web");
  int writes = counting.writes;
  Sync("web");
  EXPECT_EQ(SliceVersions("web"), before);
  EXPECT_EQ(counting.writes, writes);

  // A pod becoming ready changes its endpoint in place.
  SetStatus("unready", "10.0.0.2", true);
  Sync("web");
  auto after = SliceVersions("web");
  ASSERT_EQ(after.size(), 1u);
  EXPECT_EQ(after.begin()->first, before.begin()->first);
  EXPECT_NE(after.begin()->second, before.begin()->second);
  EXPECT_TRUE(Cond(EndpointOf(SlicesOf("web"), "unready"), "ready"));
}

TEST_F(EndpointSliceTest, NumericAndNamedTargetPorts) {
  CreateService("api", App("api"),
                json::array{Port("http", 80, "web"), Port("metrics", 9100, 9101)});
  CreatePod("p8080", App("api"), {.ip = "10.0.1.1", .container_ports = NamedPort("web", 8080)});
  CreatePod("p9090", App("api"), {.ip = "10.0.1.2", .container_ports = NamedPort("web", 9090)});
  CreatePod("also8080", App("api"), {.ip = "10.0.1.3", .container_ports = NamedPort("web", 8080)});
  CreatePod("noname", App("api"), {.ip = "10.0.1.4"});
  Sync("api");

  json::array list = SlicesOf("api");
  ASSERT_EQ(list.size(), 3u);
  std::map<std::string, std::set<std::string>> pods_by_ports;
  for (const auto& s : list) {
    std::set<std::string> pods;
    for (const auto& e : GetPath(s, {"endpoints"})->as_array()) {
      pods.insert(GetString(e, {"targetRef", "name"}));
    }
    pods_by_ports[json::serialize(*GetPath(s, {"ports"}))] = pods;
  }
  // Pods with different numbers for the named port are in different slices; a pod without the
  // named port serves only the numeric one.
  EXPECT_EQ((pods_by_ports[R"([{"name":"http","protocol":"TCP","port":8080},)"
                           R"({"name":"metrics","protocol":"TCP","port":9101}])"]),
            (std::set<std::string>{"also8080", "p8080"}));
  EXPECT_EQ((pods_by_ports[R"([{"name":"http","protocol":"TCP","port":9090},)"
                           R"({"name":"metrics","protocol":"TCP","port":9101}])"]),
            (std::set<std::string>{"p9090"}));
  EXPECT_EQ((pods_by_ports[R"([{"name":"metrics","protocol":"TCP","port":9101}])"]),
            (std::set<std::string>{"noname"}));
}

TEST_F(EndpointSliceTest, PodWithNoneOfTheNamedPortsIsLeftOut) {
  CreateService("named", App("n"), json::array{Port("", 80, "http")});
  CreatePod("has", App("n"), {.ip = "10.0.2.1", .container_ports = NamedPort("http", 8000)});
  CreatePod("hasnot", App("n"), {.ip = "10.0.2.2", .container_ports = NamedPort("grpc", 9000)});
  Sync("named");
  json::array list = SlicesOf("named");
  ASSERT_EQ(list.size(), 1u);
  ASSERT_EQ(EndpointsIn(list).size(), 1u);
  EXPECT_EQ(GetString(EndpointsIn(list)[0], {"targetRef", "name"}), "has");
  EXPECT_EQ(GetInt(GetPath(list[0], {"ports"})->as_array()[0], {"port"}), 8000);
}

TEST_F(EndpointSliceTest, HeadlessWithHostnamesAndPublishNotReady) {
  CreateService("db", App("db"), json::array{Port("pg", 5432)},
                json::object{{"clusterIP", "None"}, {"publishNotReadyAddresses", true}});
  CreatePod("db-0", App("db"),
            {.ip = "10.0.3.1", .ready = false, .hostname = "db-0", .subdomain = "db"});
  CreatePod("db-1", App("db"),
            {.ip = "10.0.3.2", .ready = true, .hostname = "db-1", .subdomain = "elsewhere"});
  Sync("db");
  json::array list = SlicesOf("db");
  ASSERT_EQ(list.size(), 1u);
  EXPECT_EQ(GetString(list[0], {"metadata", "labels", "service.kubernetes.io/headless"}), "");
  ASSERT_NE(GetPath(list[0], {"metadata", "labels", "service.kubernetes.io/headless"}), nullptr);
  json::object e0 = EndpointOf(list, "db-0");
  EXPECT_TRUE(Cond(e0, "ready"));  // published although not ready
  EXPECT_TRUE(Cond(e0, "serving"));
  EXPECT_EQ(GetString(e0, {"hostname"}), "db-0");
  EXPECT_EQ(GetPath(EndpointOf(list, "db-1"), {"hostname"}), nullptr);  // other subdomain
  EXPECT_EQ(GetInt(GetPath(list[0], {"ports"})->as_array()[0], {"port"}), 5432);
}

TEST_F(EndpointSliceTest, HeadlessWithoutPortsAndPlaceholder) {
  CreateService("bare", App("bare"), json::array{}, json::object{{"clusterIP", "None"}});
  Sync("bare");
  // No pods: one placeholder slice without endpoints or ports.
  json::array list = SlicesOf("bare");
  ASSERT_EQ(list.size(), 1u);
  EXPECT_TRUE(EndpointsIn(list).empty());
  std::string placeholder = GetString(list[0], {"metadata", "name"});

  CreatePod("b", App("bare"), {.ip = "10.0.4.1"});
  Sync("bare");
  list = SlicesOf("bare");
  ASSERT_EQ(list.size(), 1u);
  EXPECT_EQ(GetString(list[0], {"metadata", "name"}), placeholder);  // reused
  ASSERT_EQ(EndpointsIn(list).size(), 1u);
}

TEST_F(EndpointSliceTest, ManyPodsSplitOverSlicesOfAtMost100) {
  CreateService("big", App("big"), json::array{Port("", 80)});
  const int kPods = 230;
  for (int i = 0; i < kPods; ++i) {
    char name[16];
    snprintf(name, sizeof name, "big-%03d", i);
    CreatePod(name, App("big"),
              {.ip = "10.1." + std::to_string(i / 200) + "." + std::to_string(i % 200 + 1)});
  }
  Sync("big");
  json::array list = SlicesOf("big");
  ASSERT_EQ(list.size(), 3u);
  std::multiset<size_t> sizes;
  std::set<std::string> pods;
  for (const auto& s : list) {
    const auto& eps_list = GetPath(s, {"endpoints"})->as_array();
    sizes.insert(eps_list.size());
    for (const auto& e : eps_list) pods.insert(GetString(e, {"targetRef", "name"}));
  }
  EXPECT_EQ(sizes, (std::multiset<size_t>{30, 100, 100}));
  EXPECT_EQ(pods.size(), static_cast<size_t>(kPods));

  // Unchanged: no writes. One pod changes: only its slice is written.
  auto before = SliceVersions("big");
  int writes = counting.writes;
  CatchUp();
  auto t0 = std::chrono::steady_clock::now();
  ASSERT_TRUE(slices->SyncNow("default/big").ok());
  printf("no-op sync of a service with %d pods: %.2f ms\n", kPods,
         std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
  Sync("big");
  EXPECT_EQ(SliceVersions("big"), before);
  EXPECT_EQ(counting.writes, writes);
  SetStatus("big-150", "10.1.0.151", false);
  Sync("big");
  EXPECT_EQ(counting.writes, writes + 2);  // the slice and the Endpoints object
  auto after = SliceVersions("big");
  ASSERT_EQ(after.size(), before.size());
  int changed = 0;
  for (const auto& [name, rv] : after) changed += before.at(name) != rv;
  EXPECT_EQ(changed, 1);

  // Pods going away empty slices, which are deleted.
  for (int i = 0; i < 150; ++i) {
    char name[16];
    snprintf(name, sizeof name, "big-%03d", i);
    ASSERT_TRUE(cp.client()->Delete(std::string("/api/v1/namespaces/default/pods/") + name).ok());
  }
  Sync("big");
  list = SlicesOf("big");
  EXPECT_EQ(EndpointsIn(list).size(), 80u);
  EXPECT_LE(list.size(), 2u);
  for (const auto& s : list) EXPECT_FALSE(GetPath(s, {"endpoints"})->as_array().empty());
}

TEST_F(EndpointSliceTest, LabelChangesMovePodsInAndOut) {
  CreateService("web", App("web"), json::array{Port("", 80)});
  CreateService("api", App("api"), json::array{Port("", 80)});
  CreatePod("p", App("web"), {.ip = "10.0.5.1"});
  Sync("web");
  Sync("api");
  EXPECT_EQ(EndpointsIn(SlicesOf("web")).size(), 1u);
  EXPECT_EQ(EndpointsIn(SlicesOf("api")).size(), 0u);

  // Drain the queue, then relabel: both the old and the new service are queued.
  std::string k;
  while (slices->queue().Len() > 0 && slices->queue().Get(&k)) slices->queue().Done(k);
  auto r = cp.client()->Patch("/api/v1/namespaces/default/pods/p",
                              json::object{{"metadata", json::object{{"labels", App("api")}}}});
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  std::set<std::string> queued;
  ASSERT_TRUE(cp.WaitFor([&] {
    while (slices->queue().Len() > 0 && slices->queue().Get(&k)) {
      queued.insert(k);
      slices->queue().Done(k);
    }
    return queued.count("default/web") && queued.count("default/api");
  }));
  Sync("web");
  Sync("api");
  EXPECT_EQ(EndpointsIn(SlicesOf("web")).size(), 0u);
  EXPECT_EQ(SlicesOf("web").size(), 1u);  // the placeholder
  ASSERT_EQ(EndpointsIn(SlicesOf("api")).size(), 1u);
  EXPECT_EQ(GetString(EndpointsIn(SlicesOf("api"))[0], {"targetRef", "name"}), "p");
}

TEST_F(EndpointSliceTest, ServiceDeletionRemovesItsSlices) {
  CreateService("web", App("web"), json::array{Port("", 80)});
  CreatePod("p", App("web"), {.ip = "10.0.6.1"});
  Sync("web");
  ASSERT_EQ(SlicesOf("web").size(), 1u);
  ASSERT_TRUE(GetEndpoints("web").ok());
  ASSERT_TRUE(cp.client()->Delete("/api/v1/namespaces/default/services/web").ok());
  Sync("web");
  EXPECT_EQ(SlicesOf("web").size(), 0u);
  EXPECT_EQ(GetEndpoints("web").status().reason(), Reason::kNotFound);
}

TEST_F(EndpointSliceTest, RecreatedServiceReplacesOldSlices) {
  CreateService("web", App("web"), json::array{Port("", 80)});
  CreatePod("p", App("web"), {.ip = "10.0.6.1"});
  Sync("web");
  ASSERT_TRUE(cp.client()->Delete("/api/v1/namespaces/default/services/web").ok());
  json::object svc = CreateService("web", App("web"), json::array{Port("", 80)});
  Sync("web");
  json::array list = SlicesOf("web");
  ASSERT_EQ(list.size(), 1u);
  EXPECT_EQ(GetString(GetPath(list[0], {"metadata", "ownerReferences"})->as_array()[0], {"uid"}),
            GetString(svc, {"metadata", "uid"}));
  EXPECT_EQ(EndpointsIn(list).size(), 1u);
}

TEST_F(EndpointSliceTest, SelectorlessServiceIsLeftToTheUser) {
  CreateService("ext", {}, json::array{Port("", 443)});
  json::object user_slice = cp.Create(
      kSlices,
      json::object{
          {"apiVersion", "discovery.k8s.io/v1"},
          {"kind", "EndpointSlice"},
          {"metadata",
           json::object{{"name", "ext-manual"},
                        {"labels", json::object{{"kubernetes.io/service-name", "ext"}}}}},
          {"addressType", "IPv4"},
          {"endpoints", json::array{json::object{{"addresses", json::array{"192.0.2.10"}}}}},
          {"ports", json::array{json::object{{"port", 443}}}}});
  json::object user_ep = cp.Create(
      kEndpoints,
      json::object{{"apiVersion", "v1"},
                   {"kind", "Endpoints"},
                   {"metadata", json::object{{"name", "ext"}}},
                   {"subsets", json::array{json::object{
                                   {"addresses", json::array{json::object{{"ip", "192.0.2.10"}}}},
                                   {"ports", json::array{json::object{{"port", 443}}}}}}}});
  Sync("ext");
  json::array list = SlicesOf("ext");
  ASSERT_EQ(list.size(), 1u);
  EXPECT_EQ(GetString(list[0], {"metadata", "resourceVersion"}),
            GetString(user_slice, {"metadata", "resourceVersion"}));
  auto ep = GetEndpoints("ext");
  ASSERT_TRUE(ep.ok());
  EXPECT_EQ(GetString(*ep, {"metadata", "resourceVersion"}),
            GetString(user_ep, {"metadata", "resourceVersion"}));
}

TEST_F(EndpointSliceTest, UserEditOfManagedSliceIsReconciledBack) {
  CreateService("web", App("web"), json::array{Port("", 80)});
  CreatePod("p1", App("web"), {.ip = "10.0.7.1"});
  CreatePod("p2", App("web"), {.ip = "10.0.7.2"});
  Sync("web");
  json::object slice = SlicesOf("web")[0].as_object();
  slice["endpoints"] = json::array{};
  auto r = cp.client()->Update(std::string(kSlices) + "/" + GetString(slice, {"metadata", "name"}),
                               slice);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  // The edit queues the service.
  std::string k;
  ASSERT_TRUE(cp.WaitFor(
      [&] { return slices->queue().Len() > 0 && slices->queue().Get(&k) && k == "default/web"; }));
  slices->queue().Done(k);
  Sync("web");
  EXPECT_EQ(EndpointsIn(SlicesOf("web")).size(), 2u);
}

TEST_F(EndpointSliceTest, NodeZoneChangeUpdatesEndpoints) {
  CreateNode("n1", "");
  CreateService("web", App("web"), json::array{Port("", 80)});
  CreatePod("p", App("web"), {.ip = "10.0.8.1", .node = "n1"});
  Sync("web");
  EXPECT_EQ(GetPath(EndpointOf(SlicesOf("web"), "p"), {"zone"}), nullptr);
  std::string k;
  while (slices->queue().Len() > 0 && slices->queue().Get(&k)) slices->queue().Done(k);
  ASSERT_TRUE(
      cp.client()
          ->Patch(
              "/api/v1/nodes/n1",
              json::object{
                  {"metadata",
                   json::object{{"labels", json::object{{"topology.kubernetes.io/zone", "z9"}}}}}})
          .ok());
  ASSERT_TRUE(cp.WaitFor([&] { return slices->queue().Len() > 0; }));
  Sync("web");
  EXPECT_EQ(GetString(EndpointOf(SlicesOf("web"), "p"), {"zone"}), "z9");
}

TEST_F(EndpointSliceTest, SlicesOfOtherControllersAreNotTouched) {
  CreateService("web", App("web"), json::array{Port("", 80)});
  json::object foreign = cp.Create(
      kSlices,
      json::object{{"apiVersion", "discovery.k8s.io/v1"},
                   {"kind", "EndpointSlice"},
                   {"metadata",
                    json::object{{"name", "web-mirror"},
                                 {"labels", json::object{{"kubernetes.io/service-name", "web"},
                                                         {"endpointslice.kubernetes.io/managed-by",
                                                          "someone-else"}}}}},
                   {"addressType", "IPv4"},
                   {"endpoints", json::array{}}});
  Sync("web");
  Sync("web");
  auto got = cp.client()->Get(std::string(kSlices) + "/web-mirror");
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(GetString(*got, {"metadata", "resourceVersion"}),
            GetString(foreign, {"metadata", "resourceVersion"}));
  EXPECT_EQ(SlicesOf("web").size(), 2u);  // the foreign one and our placeholder
}

// A sync right after the controller's own writes, before its cache has seen them, must not act
// on the stale cache (it would create a second set of slices).
TEST_F(EndpointSliceTest, StaleCacheAfterOwnWritesDoesNotDuplicate) {
  CreateService("web", App("web"), json::array{Port("", 80)});
  CreatePod("p", App("web"), {.ip = "10.0.10.1"});
  CatchUp();
  // Freeze the slice cache: it never sees the slice the first sync creates.
  cp.informers()->For("/apis/discovery.k8s.io/v1/endpointslices")->Stop();
  ASSERT_TRUE(slices->SyncNow("default/web").ok());
  ASSERT_EQ(SlicesOf("web").size(), 1u);
  int writes = counting.writes;
  ASSERT_TRUE(slices->SyncNow("default/web").ok());
  EXPECT_EQ(counting.writes, writes);
  EXPECT_EQ(SlicesOf("web").size(), 1u);
  // Same for the Endpoints object.
  cp.informers()->For("/api/v1/endpoints")->Stop();
  ASSERT_TRUE(eps->SyncNow("default/web").ok());
  writes = counting.writes;
  EXPECT_TRUE(eps->SyncNow("default/web").ok());
  EXPECT_EQ(counting.writes, writes);
}

// With workers running: a pod turning ready reaches its slice (and Endpoints) promptly.
TEST_F(EndpointSliceTest, WorkersPublishReadinessQuickly) {
  slices->Start(2);
  eps->Start(2);
  CreateService("live", App("live"), json::array{Port("", 80)});
  CreatePod("l", App("live"), {.ip = "10.0.9.1", .ready = false});
  ASSERT_TRUE(cp.WaitFor([&] { return !EndpointOf(SlicesOf("live"), "l").empty(); }));
  auto start = std::chrono::steady_clock::now();
  SetStatus("l", "10.0.9.1", true);
  ASSERT_TRUE(cp.WaitFor([&] { return Cond(EndpointOf(SlicesOf("live"), "l"), "ready"); }));
  auto slice_ms = std::chrono::duration_cast<std::chrono::microseconds>(
                      std::chrono::steady_clock::now() - start)
                      .count() /
                  1000.0;
  ASSERT_TRUE(cp.WaitFor([&] {
    auto ep = GetEndpoints("live");
    const json::value* ss = ep.ok() ? GetPath(*ep, {"subsets"}) : nullptr;
    return ss && ss->is_array() && ss->as_array().size() == 1 &&
           GetPath(ss->as_array()[0], {"addresses"}) != nullptr;
  }));
  printf("pod ready -> slice ready: %.1f ms (poll step 5 ms)\n", slice_ms);
  // Steady state: exactly one slice, and the workers do not rewrite it.
  CatchUp();
  auto v1 = SliceVersions("live");
  EXPECT_EQ(v1.size(), 1u);
  int writes = counting.writes;
  slices->queue().Add("default/live");
  eps->queue().Add("default/live");
  ASSERT_TRUE(cp.WaitFor([&] { return slices->queue().Len() == 0 && eps->queue().Len() == 0; }));
  CatchUp();
  EXPECT_EQ(SliceVersions("live"), v1);
  EXPECT_EQ(counting.writes, writes);
  slices->Stop();
  eps->Stop();
}

}  // namespace
}  // namespace berth::controllers
