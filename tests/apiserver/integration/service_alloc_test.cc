// Service cluster IP and node port allocation through the real API server
// (services/service_allocator.h), and the built-in `kubernetes` and
// `kube-dns` services (services/builtin_services.h).
#include <mutex>
#include <set>
#include <thread>

#include "integration_fixture.h"

namespace berth::apiserver::testing {
namespace {

class ServiceAlloc : public IntegrationTest {
 protected:
  static std::string SvcPath(const std::string& ns, const std::string& name = "") {
    return "/api/v1/namespaces/" + ns + "/services" + (name.empty() ? "" : "/" + name);
  }
  // A service with one port 80/TCP (or `ports`), of `type`, requesting `ip` when set.
  static json::object Svc(const std::string& name, const std::string& type = "ClusterIP",
                          const std::string& ip = "", json::array ports = {}) {
    if (ports.empty()) ports.push_back(json::object{{"name", "http"}, {"port", 80}});
    json::object spec{{"type", type}, {"ports", std::move(ports)},
                      {"selector", json::object{{"app", name}}}};
    if (!ip.empty()) spec["clusterIP"] = ip;
    return json::object{{"apiVersion", "v1"},
                        {"kind", "Service"},
                        {"metadata", json::object{{"name", name}}},
                        {"spec", std::move(spec)}};
  }
  static json::object NodePortSvc(const std::string& name, int64_t node_port) {
    json::object port{{"name", "http"}, {"port", 80}};
    if (node_port) port["nodePort"] = node_port;
    return Svc(name, "NodePort", "", json::array{port});
  }
  // The first cause of a 422 as "field: message".
  static std::string Cause0(const HttpResponse& r) {
    json::value v = r.Json();
    return Str(v, "details.causes.0.field") + ": " + Str(v, "details.causes.0.message");
  }
  static ::testing::AssertionResult Created(const HttpResponse& r) {
    if (r.status == 201) return ::testing::AssertionSuccess();
    return ::testing::AssertionFailure() << "HTTP " << r.status << ": " << r.body << r.error;
  }
  static bool InServiceCidr(const std::string& ip) {
    return ip.rfind("10.96.", 0) == 0 && ip != "10.96.0.0" && ip != "10.96.255.255";
  }
};

TEST_F(ServiceAlloc, KubernetesAndKubeDnsServicesExistWithEndpoints) {
  auto c = Client();
  auto k = c.Get(SvcPath("default", "kubernetes"));
  ASSERT_EQ(k.status, 200) << k.body;
  json::value kv = k.Json();
  EXPECT_EQ(Str(kv, "spec.clusterIP"), "10.96.0.1");
  EXPECT_EQ(Str(kv, "spec.clusterIPs.0"), "10.96.0.1");
  EXPECT_EQ(Str(kv, "spec.type"), "ClusterIP");
  EXPECT_EQ(Str(kv, "spec.ports.0.name"), "https");
  EXPECT_EQ(Int(kv, "spec.ports.0.port"), 443);
  EXPECT_EQ(Str(kv, "spec.ports.0.protocol"), "TCP");
  EXPECT_EQ(Int(kv, "spec.ports.0.targetPort"), int64_t{server_->port()});
  EXPECT_EQ(Str(kv, "metadata.labels.component"), "apiserver");
  EXPECT_EQ(Str(kv, "metadata.labels.provider"), "kubernetes");
  EXPECT_EQ(At(kv, "spec.selector"), nullptr);

  auto ep = c.Get("/api/v1/namespaces/default/endpoints/kubernetes");
  ASSERT_EQ(ep.status, 200) << ep.body;
  json::value ev = ep.Json();
  EXPECT_EQ(Str(ev, "subsets.0.addresses.0.ip"), "127.0.0.1");
  EXPECT_EQ(Int(ev, "subsets.0.ports.0.port"), int64_t{server_->port()});
  EXPECT_EQ(Str(ev, "subsets.0.ports.0.name"), "https");
  const json::value* ep_labels = At(ev, "metadata.labels");
  ASSERT_NE(ep_labels, nullptr);
  EXPECT_EQ(ep_labels->as_object().at("endpointslice.kubernetes.io/skip-mirror"), "true");

  auto es = c.Get("/apis/discovery.k8s.io/v1/namespaces/default/endpointslices/kubernetes");
  ASSERT_EQ(es.status, 200) << es.body;
  json::value sv = es.Json();
  EXPECT_EQ(Str(sv, "addressType"), "IPv4");
  EXPECT_EQ(Str(sv, "endpoints.0.addresses.0"), "127.0.0.1");
  EXPECT_EQ(Int(sv, "ports.0.port"), int64_t{server_->port()});
  const json::value* labels = At(sv, "metadata.labels");
  ASSERT_NE(labels, nullptr);
  EXPECT_EQ(labels->as_object().at("kubernetes.io/service-name"), "kubernetes");

  auto d = c.Get(SvcPath("kube-system", "kube-dns"));
  ASSERT_EQ(d.status, 200) << d.body;
  json::value dv = d.Json();
  EXPECT_EQ(Str(dv, "spec.clusterIP"), "10.96.0.10");
  EXPECT_EQ(Str(dv, "metadata.labels.k8s-app"), "kube-dns");
  EXPECT_EQ(Str(dv, "spec.ports.0.name"), "dns");
  EXPECT_EQ(Str(dv, "spec.ports.0.protocol"), "UDP");
  EXPECT_EQ(Int(dv, "spec.ports.0.port"), 53);
  EXPECT_EQ(Str(dv, "spec.ports.1.name"), "dns-tcp");
  EXPECT_EQ(Str(dv, "spec.ports.1.protocol"), "TCP");
  EXPECT_EQ(At(dv, "spec.selector"), nullptr);

  // Their IPs are kept for them: nobody else may request them.
  std::string ns = MakeNamespace("svc");
  for (const char* ip : {"10.96.0.1", "10.96.0.10"}) {
    auto r = c.Post(SvcPath(ns), Svc(Unique("taken"), "ClusterIP", ip));
    EXPECT_TRUE(IsStatus(r, 422, "Invalid"));
    EXPECT_NE(Cause0(r).find("provided IP is already allocated"), std::string::npos) << r.body;
  }
}

TEST_F(ServiceAlloc, ClusterIPIsAllocatedForEveryTypeButHeadlessAndExternalName) {
  auto c = Client();
  std::string ns = MakeNamespace("svc");
  std::set<std::string> seen;
  for (const char* type : {"ClusterIP", "NodePort", "LoadBalancer"}) {
    auto r = c.Post(SvcPath(ns), Svc(Unique("t"), type));
    ASSERT_TRUE(Created(r));
    json::value v = r.Json();
    std::string ip = Str(v, "spec.clusterIP");
    EXPECT_TRUE(InServiceCidr(ip)) << type << " got " << ip;
    EXPECT_TRUE(seen.insert(ip).second) << ip;
    EXPECT_EQ(Str(v, "spec.clusterIPs.0"), ip);
    EXPECT_EQ(At(v, "spec.clusterIPs.1"), nullptr);
    EXPECT_EQ(Str(v, "spec.ipFamilies.0"), "IPv4");
    EXPECT_EQ(Str(v, "spec.ipFamilyPolicy"), "SingleStack");
    // The same on a read back.
    auto g = c.Get(SvcPath(ns, Str(v, "metadata.name")));
    EXPECT_EQ(Str(g.Json(), "spec.clusterIP"), ip);
  }
  json::object headless = Svc(Unique("headless"), "ClusterIP", "None");
  auto h = c.Post(SvcPath(ns), headless);
  ASSERT_TRUE(Created(h));
  EXPECT_EQ(Str(h.Json(), "spec.clusterIP"), "None");
  EXPECT_EQ(Str(h.Json(), "spec.clusterIPs.0"), "None");

  json::object ext{{"apiVersion", "v1"},
                   {"kind", "Service"},
                   {"metadata", json::object{{"name", Unique("ext")}}},
                   {"spec", json::object{{"type", "ExternalName"},
                                         {"externalName", "example.com"}}}};
  auto e = c.Post(SvcPath(ns), ext);
  ASSERT_TRUE(Created(e));
  EXPECT_EQ(At(e.Json(), "spec.clusterIP"), nullptr) << e.body;
  EXPECT_EQ(At(e.Json(), "spec.clusterIPs"), nullptr) << e.body;

  // Dual stack is not configured.
  json::object v6 = Svc(Unique("v6"));
  v6["spec"].as_object()["ipFamilies"] = json::array{"IPv6"};
  EXPECT_TRUE(IsStatus(c.Post(SvcPath(ns), v6), 422, "Invalid"));
}

TEST_F(ServiceAlloc, RequestedClusterIPIsHonouredOnceAndMustBeInRange) {
  auto c = Client();
  std::string ns = MakeNamespace("svc");
  auto a = c.Post(SvcPath(ns), Svc("a", "ClusterIP", "10.96.5.5"));
  ASSERT_TRUE(Created(a));
  EXPECT_EQ(Str(a.Json(), "spec.clusterIP"), "10.96.5.5");

  auto b = c.Post(SvcPath(ns), Svc("b", "ClusterIP", "10.96.5.5"));
  ASSERT_TRUE(IsStatus(b, 422, "Invalid"));
  EXPECT_EQ(Cause0(b),
            "spec.clusterIPs: Invalid value: []string{\"10.96.5.5\"}: failed to allocate IP 10.96.5.5: "
            "provided IP is already allocated");
  EXPECT_NE(Str(b.Json(), "message").find("Service \"b\" is invalid"), std::string::npos);
  EXPECT_EQ(c.Get(SvcPath(ns, "b")).status, 404);  // nothing half-written

  for (const char* ip : {"10.97.0.1", "10.96.0.0", "10.96.255.255"}) {
    auto r = c.Post(SvcPath(ns), Svc(Unique("out"), "ClusterIP", ip));
    ASSERT_TRUE(IsStatus(r, 422, "Invalid")) << ip;
    EXPECT_NE(Cause0(r).find("provided IP is not in the valid range. The range of valid IPs is "
                             "10.96.0.0/16"),
              std::string::npos)
        << Cause0(r);
  }
}

TEST_F(ServiceAlloc, NodePortsAreAllocatedHonouredAndRangeChecked) {
  auto c = Client();
  std::string ns = MakeNamespace("svc");
  auto any = c.Post(SvcPath(ns), NodePortSvc("any", 0));
  ASSERT_TRUE(Created(any));
  int64_t np = Int(any.Json(), "spec.ports.0.nodePort");
  EXPECT_GE(np, 30000);
  EXPECT_LE(np, 32767);

  auto fixed = c.Post(SvcPath(ns), NodePortSvc("fixed", 30080));
  ASSERT_TRUE(Created(fixed));
  EXPECT_EQ(Int(fixed.Json(), "spec.ports.0.nodePort"), 30080);

  auto again = c.Post(SvcPath(ns), NodePortSvc("again", 30080));
  ASSERT_TRUE(IsStatus(again, 422, "Invalid"));
  EXPECT_EQ(Cause0(again),
            "spec.ports[0].nodePort: Invalid value: 30080: provided port is already allocated");

  auto out = c.Post(SvcPath(ns), NodePortSvc("out", 20000));
  ASSERT_TRUE(IsStatus(out, 422, "Invalid"));
  EXPECT_EQ(Cause0(out),
            "spec.ports[0].nodePort: Invalid value: 20000: provided port is not in the valid "
            "range. The range of valid ports is 30000-32767");

  // 53/TCP and 53/UDP of one service share a node port, allocated or requested.
  json::array dns{json::object{{"name", "dns"}, {"port", 53}, {"protocol", "UDP"}},
                  json::object{{"name", "dns-tcp"}, {"port", 53}, {"protocol", "TCP"}}};
  auto shared = c.Post(SvcPath(ns), Svc("shared", "NodePort", "", dns));
  ASSERT_TRUE(Created(shared));
  EXPECT_EQ(Int(shared.Json(), "spec.ports.0.nodePort"),
            Int(shared.Json(), "spec.ports.1.nodePort"));
  dns[0].as_object()["nodePort"] = 30053;
  dns[1].as_object()["nodePort"] = 30053;
  auto requested = c.Post(SvcPath(ns), Svc("requested", "NodePort", "", dns));
  ASSERT_TRUE(Created(requested));
  EXPECT_EQ(Int(requested.Json(), "spec.ports.1.nodePort"), 30053);

  // LoadBalancer gets node ports unless told not to.
  auto lb = c.Post(SvcPath(ns), Svc("lb", "LoadBalancer"));
  ASSERT_TRUE(Created(lb));
  EXPECT_GE(Int(lb.Json(), "spec.ports.0.nodePort"), 30000);
  json::object nolb = Svc("nolb", "LoadBalancer");
  nolb["spec"].as_object()["allocateLoadBalancerNodePorts"] = false;
  auto n = c.Post(SvcPath(ns), nolb);
  ASSERT_TRUE(Created(n));
  EXPECT_EQ(Int(n.Json(), "spec.ports.0.nodePort", 0), 0);
}

TEST_F(ServiceAlloc, TypeChangesAllocateAndReleaseNodePorts) {
  auto c = Client();
  std::string ns = MakeNamespace("svc");
  auto s = c.Post(SvcPath(ns), Svc("web"));
  ASSERT_TRUE(Created(s));
  std::string ip = Str(s.Json(), "spec.clusterIP");

  auto up = c.Patch(SvcPath(ns, "web"), "application/merge-patch+json",
                    R"({"spec":{"type":"NodePort","ports":[{"name":"http","port":80,"nodePort":30181}]}})");
  ASSERT_EQ(up.status, 200) << up.body;
  EXPECT_EQ(Int(up.Json(), "spec.ports.0.nodePort"), 30181);
  EXPECT_EQ(Str(up.Json(), "spec.clusterIP"), ip);
  EXPECT_TRUE(IsStatus(c.Post(SvcPath(ns), NodePortSvc("steal", 30181)), 422, "Invalid"));

  // NodePort -> ClusterIP with a patch that only changes the type: the node port goes.
  auto down = c.Patch(SvcPath(ns, "web"), "application/merge-patch+json",
                      R"({"spec":{"type":"ClusterIP"}})");
  ASSERT_EQ(down.status, 200) << down.body;
  EXPECT_EQ(Int(down.Json(), "spec.ports.0.nodePort", 0), 0) << down.body;
  EXPECT_EQ(Str(down.Json(), "spec.clusterIP"), ip);
  EXPECT_TRUE(Created(c.Post(SvcPath(ns), NodePortSvc("steal", 30181))));

  // Ports added and removed allocate and release.
  auto np = c.Post(SvcPath(ns), NodePortSvc("multi", 30182));
  ASSERT_TRUE(Created(np));
  auto add = c.Patch(SvcPath(ns, "multi"), "application/strategic-merge-patch+json",
                     R"({"spec":{"ports":[{"name":"https","port":443,"nodePort":30183}]}})");
  ASSERT_EQ(add.status, 200) << add.body;
  EXPECT_TRUE(IsStatus(c.Post(SvcPath(ns), NodePortSvc("x1", 30183)), 422, "Invalid"));
  int https = Str(add.Json(), "spec.ports.0.name") == "https" ? 0 : 1;
  auto rm = c.Patch(SvcPath(ns, "multi"), "application/json-patch+json",
                    R"([{"op":"remove","path":"/spec/ports/)" + std::to_string(https) + R"("}])");
  ASSERT_EQ(rm.status, 200) << rm.body;
  ASSERT_EQ(At(rm.Json(), "spec.ports.1"), nullptr) << rm.body;
  EXPECT_EQ(Int(rm.Json(), "spec.ports.0.nodePort"), 30182);
  EXPECT_TRUE(Created(c.Post(SvcPath(ns), NodePortSvc("x2", 30183))));

  // ClusterIP -> ExternalName gives the IP back; it can be requested again.
  auto ext = c.Patch(SvcPath(ns, "web"), "application/merge-patch+json",
                     R"({"spec":{"type":"ExternalName","externalName":"example.com"}})");
  ASSERT_EQ(ext.status, 200) << ext.body;
  EXPECT_EQ(At(ext.Json(), "spec.clusterIP"), nullptr) << ext.body;
  EXPECT_TRUE(Created(c.Post(SvcPath(ns), Svc("reuse", "ClusterIP", ip))));
}

TEST_F(ServiceAlloc, UpdatesKeepAllocatedValuesAndClusterIPIsImmutable) {
  auto c = Client();
  std::string ns = MakeNamespace("svc");
  auto s = c.Post(SvcPath(ns), NodePortSvc("web", 0));
  ASSERT_TRUE(Created(s));
  json::value v = s.Json();
  std::string ip = Str(v, "spec.clusterIP");
  int64_t np = Int(v, "spec.ports.0.nodePort");

  // `kubectl replace` with the original manifest: no clusterIP, no nodePort.
  json::object put = NodePortSvc("web", 0);
  put["metadata"].as_object()["resourceVersion"] = Str(v, "metadata.resourceVersion");
  put["metadata"].as_object()["labels"] = json::object{{"v", "2"}};
  auto r = c.Put(SvcPath(ns, "web"), put);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(Str(r.Json(), "spec.clusterIP"), ip);
  EXPECT_EQ(Int(r.Json(), "spec.ports.0.nodePort"), np);

  json::object other = NodePortSvc("web", 0);
  other["spec"].as_object()["clusterIP"] = "10.96.6.6";
  auto bad = c.Put(SvcPath(ns, "web"), other);
  ASSERT_TRUE(IsStatus(bad, 422, "Invalid"));
  EXPECT_NE(Cause0(bad).find("spec.clusterIPs[0]"), std::string::npos) << bad.body;
  // And 10.96.6.6 was not taken by the refused update.
  EXPECT_TRUE(Created(c.Post(SvcPath(ns), Svc("six", "ClusterIP", "10.96.6.6"))));

  // Server-side apply twice (`kubectl apply --server-side`): IP and node port stay.
  std::string ssa = SvcPath(ns, "ssa") + "?fieldManager=kubectl";
  auto a1 = c.Patch(ssa, "application/apply-patch+yaml", json::serialize(NodePortSvc("ssa", 0)));
  ASSERT_EQ(a1.status, 201) << a1.body;
  json::object again = NodePortSvc("ssa", 0);
  again["metadata"].as_object()["labels"] = json::object{{"v", "2"}};
  auto a2 = c.Patch(ssa, "application/apply-patch+yaml", json::serialize(again));
  ASSERT_EQ(a2.status, 200) << a2.body;
  EXPECT_EQ(Str(a2.Json(), "metadata.labels.v"), "2");
  EXPECT_EQ(Str(a2.Json(), "spec.clusterIP"), Str(a1.Json(), "spec.clusterIP"));
  EXPECT_EQ(Int(a2.Json(), "spec.ports.0.nodePort"), Int(a1.Json(), "spec.ports.0.nodePort"));
}

TEST_F(ServiceAlloc, DeleteReleasesAfterFinalizers) {
  auto c = Client();
  std::string ns = MakeNamespace("svc");
  json::object port{{"name", "http"}, {"port", 80}, {"nodePort", 30777}};
  json::object s = Svc("web", "NodePort", "10.96.7.7", json::array{port});
  ASSERT_TRUE(Created(c.Post(SvcPath(ns), s)));
  ASSERT_EQ(c.Delete(SvcPath(ns, "web")).status, 200);
  ASSERT_TRUE(Created(c.Post(SvcPath(ns), s)));  // both the IP and the port are free again

  // With a finalizer the IP stays held until the object is really gone.
  json::object f = Svc("fin", "ClusterIP", "10.96.7.8");
  f["metadata"].as_object()["finalizers"] = json::array{"example.com/hold"};
  ASSERT_TRUE(Created(c.Post(SvcPath(ns), f)));
  ASSERT_EQ(c.Delete(SvcPath(ns, "fin")).status, 200);
  ASSERT_EQ(c.Get(SvcPath(ns, "fin")).status, 200);
  EXPECT_TRUE(IsStatus(c.Post(SvcPath(ns), Svc("fin2", "ClusterIP", "10.96.7.8")), 422,
                       "Invalid"));
  auto unfin = c.Patch(SvcPath(ns, "fin"), "application/merge-patch+json",
                       R"({"metadata":{"finalizers":null}})");
  ASSERT_EQ(unfin.status, 200) << unfin.body;
  ASSERT_EQ(c.Get(SvcPath(ns, "fin")).status, 404);
  EXPECT_TRUE(Created(c.Post(SvcPath(ns), Svc("fin2", "ClusterIP", "10.96.7.8"))));
}

TEST_F(ServiceAlloc, NamespaceDeletionReleases) {
  auto c = Client();
  std::string ns = MakeNamespace("svc");
  ASSERT_TRUE(Created(c.Post(SvcPath(ns), Svc("web", "ClusterIP", "10.96.10.10"))));
  ASSERT_EQ(c.Delete("/api/v1/namespaces/" + ns).status, 200);
  std::string other = MakeNamespace("svc");
  EXPECT_TRUE(Eventually([&] {
    return c.Post(SvcPath(other), Svc("web", "ClusterIP", "10.96.10.10")).status == 201;
  }));
}

TEST_F(ServiceAlloc, DryRunDoesNotAllocate) {
  auto c = Client();
  std::string ns = MakeNamespace("svc");
  json::object port{{"name", "http"}, {"port", 80}, {"nodePort", 30888}};
  json::object s = Svc("web", "NodePort", "10.96.8.8", json::array{port});
  auto dry = c.Post(SvcPath(ns) + "?dryRun=All", s);
  ASSERT_TRUE(Created(dry));
  EXPECT_EQ(Str(dry.Json(), "spec.clusterIP"), "10.96.8.8");
  auto dyn = c.Post(SvcPath(ns) + "?dryRun=All", Svc("dyn"));
  ASSERT_TRUE(Created(dyn));
  EXPECT_TRUE(InServiceCidr(Str(dyn.Json(), "spec.clusterIP")));
  EXPECT_EQ(c.Get(SvcPath(ns, "dyn")).status, 404);
  ASSERT_TRUE(Created(c.Post(SvcPath(ns), s)));

  // A dry-run update that adds a node port does not hold it either.
  auto du = c.Patch(SvcPath(ns, "web") + "?dryRun=All", "application/strategic-merge-patch+json",
                    R"({"spec":{"ports":[{"name":"x","port":81,"nodePort":30889}]}})");
  ASSERT_EQ(du.status, 200) << du.body;
  EXPECT_TRUE(Created(c.Post(SvcPath(ns), NodePortSvc("other", 30889))));
}

TEST_F(ServiceAlloc, FailedUpdatesLeakNothing) {
  auto c = Client();
  std::string ns = MakeNamespace("svc");
  auto s = c.Post(SvcPath(ns), NodePortSvc("web", 30301));
  ASSERT_TRUE(Created(s));
  ASSERT_TRUE(Created(c.Post(SvcPath(ns), NodePortSvc("holder", 30303))));
  // Adds 30302 (free) and 30303 (taken): refused, and 30302 is not kept.
  json::object upd = NodePortSvc("web", 30301);
  upd["spec"].as_object()["ports"].as_array().push_back(
      json::object{{"name", "b"}, {"port", 81}, {"nodePort", 30302}});
  upd["spec"].as_object()["ports"].as_array().push_back(
      json::object{{"name", "c"}, {"port", 82}, {"nodePort", 30303}});
  auto r = c.Put(SvcPath(ns, "web"), upd);
  ASSERT_TRUE(IsStatus(r, 422, "Invalid"));
  EXPECT_EQ(Cause0(r),
            "spec.ports[2].nodePort: Invalid value: 30303: provided port is already allocated");
  // A stale resourceVersion: 409 after allocation, which is given back.
  json::object stale = NodePortSvc("web", 30301);
  stale["spec"].as_object()["ports"].as_array().push_back(
      json::object{{"name", "d"}, {"port", 83}, {"nodePort", 30304}});
  stale["metadata"].as_object()["resourceVersion"] = "1";
  EXPECT_TRUE(IsStatus(c.Put(SvcPath(ns, "web"), stale), 409, "Conflict"));
  EXPECT_TRUE(Created(c.Post(SvcPath(ns), NodePortSvc("p2", 30302))));
  EXPECT_TRUE(Created(c.Post(SvcPath(ns), NodePortSvc("p4", 30304))));
}

TEST_F(ServiceAlloc, ParallelCreatesGetDistinctIPsAndPorts) {
  std::string ns = MakeNamespace("svc");
  constexpr int kThreads = 8, kEach = 25;
  std::mutex mu;
  std::vector<std::string> ips;
  std::vector<int64_t> ports;
  std::vector<std::string> errors;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      auto c = Client();
      for (int i = 0; i < kEach; ++i) {
        std::string name = "p-" + std::to_string(t) + "-" + std::to_string(i);
        auto r = c.Post(SvcPath(ns), i % 2 ? NodePortSvc(name, 0) : Svc(name));
        std::lock_guard lock(mu);
        if (r.status != 201) {
          errors.push_back(r.body + r.error);
          continue;
        }
        ips.push_back(Str(r.Json(), "spec.clusterIP"));
        if (i % 2) ports.push_back(Int(r.Json(), "spec.ports.0.nodePort"));
      }
    });
  }
  for (auto& th : threads) th.join();
  ASSERT_TRUE(errors.empty()) << errors.front();
  ASSERT_EQ(ips.size(), size_t{kThreads * kEach});
  std::set<std::string> distinct(ips.begin(), ips.end());
  EXPECT_EQ(distinct.size(), ips.size());
  for (const auto& ip : ips) EXPECT_TRUE(InServiceCidr(ip)) << ip;
  EXPECT_EQ(std::set<int64_t>(ports.begin(), ports.end()).size(), ports.size());

  // Many racing for one requested IP: exactly one wins.
  std::atomic<int> won{0}, refused{0};
  threads.clear();
  for (int t = 0; t < 16; ++t) {
    threads.emplace_back([&, t] {
      auto r = Client().Post(SvcPath(ns), Svc("race-" + std::to_string(t), "ClusterIP",
                                              "10.96.9.9"));
      if (r.status == 201) ++won;
      if (r.status == 422) ++refused;
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(won.load(), 1);
  EXPECT_EQ(refused.load(), 15);
}

// Its own data dir: restarts the server on it.
class ServiceAllocRestart : public ServiceAlloc {
 public:
  static void SetUpTestSuite() {}
  static void TearDownTestSuite() {}
};

TEST_F(ServiceAllocRestart, AllocationsSurviveARestart) {
  StartServer(ServerOptions{});
  std::string ns = MakeNamespace("svc");
  std::set<std::string> before;
  std::set<int64_t> before_ports;
  for (int i = 0; i < 40; ++i) {
    auto r = Client().Post(SvcPath(ns), NodePortSvc("s" + std::to_string(i), 0));
    ASSERT_TRUE(Created(r));
    before.insert(Str(r.Json(), "spec.clusterIP"));
    before_ports.insert(Int(r.Json(), "spec.ports.0.nodePort"));
  }
  uint16_t old_port = server_->port();
  StopServer(false);
  StartServer(ServerOptions{});
  auto c = Client();
  // The requested IP and port of an existing service are taken.
  auto taken = c.Post(SvcPath(ns), Svc("again", "ClusterIP", *before.begin()));
  EXPECT_TRUE(IsStatus(taken, 422, "Invalid"));
  auto taken_port = c.Post(SvcPath(ns), NodePortSvc("again", *before_ports.begin()));
  EXPECT_TRUE(IsStatus(taken_port, 422, "Invalid"));
  for (int i = 0; i < 100; ++i) {
    auto r = c.Post(SvcPath(ns), NodePortSvc("n" + std::to_string(i), 0));
    ASSERT_TRUE(Created(r));
    EXPECT_FALSE(before.count(Str(r.Json(), "spec.clusterIP")));
    EXPECT_FALSE(before_ports.count(Int(r.Json(), "spec.ports.0.nodePort")));
  }
  // The kubernetes service follows the server's new port (repaired, not duplicated).
  auto k = c.Get(SvcPath("default", "kubernetes"));
  EXPECT_EQ(Int(k.Json(), "spec.ports.0.targetPort"), int64_t{server_->port()});
  auto ep = c.Get("/api/v1/namespaces/default/endpoints/kubernetes");
  EXPECT_EQ(Int(ep.Json(), "subsets.0.ports.0.port"), int64_t{server_->port()});
  if (old_port != int64_t{server_->port()}) {
    EXPECT_EQ(Str(k.Json(), "spec.clusterIP"), "10.96.0.1");
  }
  StopServer(true);
}

TEST_F(ServiceAllocRestart, ANewServiceCidrMovesTheBuiltInServices) {
  StartServer(ServerOptions{});
  StopServer(false);
  ServerOptions o;
  o.service_cidr = "10.100.0.0/24";
  o.service_node_port_range = "31000-31001";
  StartServer(o);
  auto c = Client();
  EXPECT_EQ(Str(c.Get(SvcPath("default", "kubernetes")).Json(), "spec.clusterIP"), "10.100.0.1");
  EXPECT_EQ(Str(c.Get(SvcPath("kube-system", "kube-dns")).Json(), "spec.clusterIP"),
            "10.100.0.10");
  std::string ns = MakeNamespace("svc");
  ASSERT_TRUE(Created(c.Post(SvcPath(ns), NodePortSvc("a", 0))));
  ASSERT_TRUE(Created(c.Post(SvcPath(ns), NodePortSvc("b", 0))));
  auto full = c.Post(SvcPath(ns), NodePortSvc("c", 0));
  EXPECT_TRUE(IsStatus(full, 500, "InternalError"));
  EXPECT_NE(Str(full.Json(), "message").find("range is full"), std::string::npos) << full.body;
  StopServer(true);
}

}  // namespace
}  // namespace berth::apiserver::testing
