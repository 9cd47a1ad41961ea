// Proxier through informers against an in-process API server: which scripts it applies (a
// recording NftRunner), and, end to end, traffic in a private netns (netns_fixture.h).
#include "proxy/proxier.h"

#include <gtest/gtest.h>

#include <mutex>

#include "controllers/testing/control_plane.h"
#include "proxy/netns_fixture.h"

namespace berth::proxy {
namespace {

using berth::testing::ControlPlane;

class RecordingRunner final : public NftRunner {
 public:
  struct Shared {
    std::mutex mu;
    std::vector<std::string> scripts;
    int fail_next = 0;
  };
  explicit RecordingRunner(std::shared_ptr<Shared> s) : s_(std::move(s)) {}
  Status Run(const std::string& script) override {
    std::lock_guard<std::mutex> l(s_->mu);
    s_->scripts.push_back(script);
    if (s_->fail_next > 0) {
      s_->fail_next--;
      return InternalError("nft: injected failure");
    }
    return Status::Ok();
  }

 private:
  std::shared_ptr<Shared> s_;
};

json::value Service(const std::string& name, const std::string& ip, int port = 80) {
  json::object svc = {
      {"apiVersion", "v1"},
      {"kind", "Service"},
      {"metadata", {{"name", name}, {"namespace", "default"}}},
      {"spec",
       {{"clusterIP", ip},
        {"ports", json::array{{{"name", "http"}, {"port", port}, {"protocol", "TCP"},
                               {"targetPort", 8080}}}}}}};
  return svc;
}

json::value Slice(const std::string& service, const std::vector<std::string>& ips,
                  bool ready = true) {
  json::array eps;
  for (const std::string& ip : ips) {
    eps.push_back(json::object{{"addresses", json::array{json::value(ip)}},
                               {"conditions", {{"ready", ready}}}});
  }
  return json::object{
      {"apiVersion", "discovery.k8s.io/v1"},
      {"kind", "EndpointSlice"},
      {"metadata",
       {{"name", service + "-x"},
        {"namespace", "default"},
        {"labels", {{"kubernetes.io/service-name", service}}}}},
      {"addressType", "IPv4"},
      {"endpoints", eps},
      {"ports", json::array{{{"name", "http"}, {"port", 8080}, {"protocol", "TCP"}}}}};
}

constexpr const char* kServices = "/api/v1/namespaces/default/services";
constexpr const char* kSlices = "/apis/discovery.k8s.io/v1/namespaces/default/endpointslices";

ProxyOptions Options(const std::string& table) {
  ProxyOptions o;
  o.table = table;
  o.node_name = "n1";
  o.pod_cidr = "10.88.0.0/16";
  o.service_cidr = "10.96.0.0/16";
  o.min_sync_interval = std::chrono::milliseconds(20);
  return o;
}

class ProxierScriptTest : public ::testing::Test {
 protected:
  std::string LastScript() {
    std::lock_guard<std::mutex> l(runs_->mu);
    return runs_->scripts.empty() ? "" : runs_->scripts.back();
  }
  size_t Runs() {
    std::lock_guard<std::mutex> l(runs_->mu);
    return runs_->scripts.size();
  }
  // Waits until some applied script contains `text`.
  bool WaitForScript(const std::string& text) {
    return ControlPlane::WaitFor([&] {
      std::lock_guard<std::mutex> l(runs_->mu);
      for (const auto& s : runs_->scripts) {
        if (s.find(text) != std::string::npos) return true;
      }
      return false;
    });
  }
  std::unique_ptr<Proxier> NewProxier(ProxyOptions o = Options("berth-test")) {
    return std::make_unique<Proxier>(cp_.client(), std::move(o),
                                     std::make_unique<RecordingRunner>(runs_));
  }

  ControlPlane cp_;
  std::shared_ptr<RecordingRunner::Shared> runs_ = std::make_shared<RecordingRunner::Shared>();
};

TEST_F(ProxierScriptTest, FullSyncFirstThenOnlyChangedServices) {
  cp_.Create(kServices, Service("web", "10.96.1.10"));
  cp_.Create(kSlices, Slice("web", {"10.88.1.2"}));
  auto p = NewProxier();
  ASSERT_TRUE(p->Start().ok());
  ASSERT_EQ(p->stats().full_syncs, 1u);
  {
    std::lock_guard<std::mutex> l(runs_->mu);
    ASSERT_FALSE(runs_->scripts.empty());
    const std::string& first = runs_->scripts.front();
    EXPECT_EQ(first.rfind("add table ip berth-test\ndelete table ip berth-test\n", 0), 0u);
    EXPECT_NE(first.find("10.96.1.10 . tcp . 80 : goto svc-default/web/tcp/http"),
              std::string::npos);
  }

  cp_.Create(kServices, Service("api", "10.96.1.11"));
  ASSERT_TRUE(WaitForScript("no-endpoint-services { 10.96.1.11 . tcp . 80 : goto reject-chain }"));
  cp_.Create(kSlices, Slice("api", {"10.88.1.3", "10.88.1.4"}));
  ASSERT_TRUE(WaitForScript("add element ip berth-test service-ips { 10.96.1.11 . tcp . 80"));
  std::string delta = LastScript();
  EXPECT_EQ(delta.find("add table"), std::string::npos) << delta;
  EXPECT_EQ(delta.find("default/web"), std::string::npos) << delta;
  EXPECT_NE(delta.find("dnat to 10.88.1.4:8080"), std::string::npos) << delta;
  EXPECT_EQ(p->stats().full_syncs, 1u);

  // Deleting the service removes its element and chains.
  ASSERT_TRUE(cp_.client()->Delete(std::string(kServices) + "/api").ok());
  ASSERT_TRUE(WaitForScript("delete chain ip berth-test svc-default/api/tcp/http"));
  EXPECT_EQ(p->stats().failures, 0u);
  p->Stop();
}

TEST_F(ProxierScriptTest, FailedApplyIsFollowedByAFullSync) {
  auto p = NewProxier();
  ASSERT_TRUE(p->Start().ok());
  const uint64_t before = p->stats().syncs;
  {
    std::lock_guard<std::mutex> l(runs_->mu);
    runs_->fail_next = 1;
  }
  cp_.Create(kServices, Service("web", "10.96.1.10"));
  ASSERT_TRUE(p->WaitForSyncs(before + 2, std::chrono::seconds(10)));
  ProxyStats s = p->stats();
  EXPECT_EQ(s.failures, 1u);
  EXPECT_TRUE(s.last.full);
  EXPECT_TRUE(s.last.status.ok());
  EXPECT_NE(LastScript().find("delete table ip berth-test"), std::string::npos);
  EXPECT_NE(LastScript().find("10.96.1.10 . tcp . 80 : goto reject-chain"), std::string::npos);
}

TEST_F(ProxierScriptTest, StartFailsWhenNftRefusesTheFirstSync) {
  {
    std::lock_guard<std::mutex> l(runs_->mu);
    runs_->fail_next = 1;
  }
  auto p = NewProxier();
  Status st = p->Start();
  EXPECT_FALSE(st.ok());
  EXPECT_NE(st.message().find("injected"), std::string::npos);
}

TEST_F(ProxierScriptTest, ChangesAreBatched) {
  ProxyOptions o = Options("berth-test");
  o.min_sync_interval = std::chrono::milliseconds(400);
  auto p = NewProxier(o);
  ASSERT_TRUE(p->Start().ok());
  const size_t runs_before = Runs();
  for (int i = 0; i < 6; ++i) {
    cp_.Create(kServices, Service("s" + std::to_string(i), "10.96.1." + std::to_string(20 + i)));
  }
  ASSERT_TRUE(WaitForScript("10.96.1.25 . tcp . 80"));
  // The first change may go alone (nothing synced lately); the rest share a sync.
  EXPECT_LE(Runs() - runs_before, 2u);
}

TEST_F(ProxierScriptTest, DnsClusterIpServiceIsIgnored) {
  // The API server keeps kube-system/kube-dns at 10.96.0.10; the node answers DNS itself.
  ProxyOptions o = Options("berth-test");
  o.dns_cluster_ip = "10.96.0.10";
  o.dns_target_ip = "10.88.0.1";
  cp_.Create(kServices, Service("web", "10.96.1.10"));
  ASSERT_TRUE(ControlPlane::WaitFor([&] {
    return cp_.client()->Get("/api/v1/namespaces/kube-system/services/kube-dns").ok();
  }));
  auto p = NewProxier(o);
  ASSERT_TRUE(p->Start().ok());
  std::string full = LastScript();
  EXPECT_NE(full.find("ip daddr 10.96.0.10 udp dport 53 dnat to 10.88.0.1:53"), std::string::npos);
  EXPECT_NE(full.find("ip daddr 10.96.0.10 tcp dport 53 dnat to 10.88.0.1:53"), std::string::npos);
  EXPECT_EQ(full.find("kube-dns"), std::string::npos) << full;
  EXPECT_EQ(full.find("10.96.0.10 . "), std::string::npos) << full;
  EXPECT_NE(full.find("10.96.1.10 . tcp . 80"), std::string::npos);
}

TEST_F(ProxierScriptTest, SliceMovingToAnotherServiceUpdatesBoth) {
  cp_.Create(kServices, Service("a", "10.96.1.10"));
  cp_.Create(kServices, Service("b", "10.96.1.11"));
  cp_.Create(kSlices, Slice("a", {"10.88.1.2"}));
  auto p = NewProxier();
  ASSERT_TRUE(p->Start().ok());
  json::value moved = Slice("a", {"10.88.1.2"});
  moved.as_object()["metadata"].as_object()["labels"].as_object()["kubernetes.io/service-name"] =
      "b";
  ASSERT_TRUE(
      cp_.client()->Patch(std::string(kSlices) + "/a-x",
                          json::object{{"metadata", moved.as_object()["metadata"]}}).ok());
  ASSERT_TRUE(WaitForScript("add element ip berth-test service-ips { 10.96.1.11 . tcp . 80"));
  ASSERT_TRUE(WaitForScript("add element ip berth-test no-endpoint-services { 10.96.1.10 . tcp . "
                            "80 : goto reject-chain }"));
}

// End to end: API objects -> informers -> nft in a private node netns -> traffic.
TEST(ProxierTrafficTest, ServiceLifecycle) {
  testing::TestNetwork net(3);
  testing::EchoServer p1(net.pod(1), testing::TestNetwork::PodIp(1), 8080, "p1");
  testing::EchoServer p2(net.pod(2), testing::TestNetwork::PodIp(2), 8080, "p2");
  ControlPlane cp;
  const std::string table = "berth-" + testing::Prefix();
  auto p = std::make_unique<Proxier>(cp.client(), Options(table), NewNftRunner(net.node()));
  ASSERT_TRUE(p->Start().ok());

  cp.Create(kServices, Service("web", "10.96.1.10"));
  cp.Create(kSlices,
            Slice("web", {testing::TestNetwork::PodIp(1), testing::TestNetwork::PodIp(2)}));
  std::set<std::string> seen;
  ASSERT_TRUE(ControlPlane::WaitFor([&] {
    testing::Conn c = testing::Dial(net.pod(3), "10.96.1.10", 80, std::chrono::milliseconds(200));
    if (c.error.empty()) seen.insert(c.server());
    return seen.size() == 2;
  }));

  // Endpoints not ready: refused at once.
  ASSERT_TRUE(cp.client()
                  ->Update(std::string(kSlices) + "/web-x",
                           [&] {
                             json::value s = Slice("web", {testing::TestNetwork::PodIp(1)}, false);
                             s.as_object()["metadata"].as_object()["resourceVersion"] =
                                 cp.MustGet(std::string(kSlices) + "/web-x")["metadata"]
                                     .as_object()["resourceVersion"];
                             return s;
                           }())
                  .ok());
  ASSERT_TRUE(ControlPlane::WaitFor([&] {
    return testing::Dial(net.pod(3), "10.96.1.10", 80, std::chrono::milliseconds(200)).error ==
           "ECONNREFUSED";
  }));

  // Stop keeps the rules; a new Proxier resyncs over them; Destroy removes the table.
  p->Stop();
  EXPECT_EQ(testing::Dial(net.pod(3), "10.96.1.10", 80).error, "ECONNREFUSED");
  p = std::make_unique<Proxier>(cp.client(), Options(table), NewNftRunner(net.node()));
  ASSERT_TRUE(p->Start().ok());
  EXPECT_EQ(testing::Dial(net.pod(3), "10.96.1.10", 80).error, "ECONNREFUSED");
  ASSERT_TRUE(p->Destroy().ok());
  EXPECT_NE(testing::Dial(net.pod(3), "10.96.1.10", 80, std::chrono::milliseconds(300)).error,
            "ECONNREFUSED");
  auto list = RunSubprocess({"ip", "netns", "exec", net.node(), "nft", "list", "tables"});
  ASSERT_TRUE(list.ok());
  EXPECT_EQ(list->out.find(table), std::string::npos) << list->out;
}

}  // namespace
}  // namespace berth::proxy
