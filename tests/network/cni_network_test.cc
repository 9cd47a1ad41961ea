// The CNI pod network with the real plugins from /usr/lib/cni, in namespaces and a bridge this
// test creates with unique names and removes in TearDown.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

#include "common/subprocess.h"
#include "network/ipv4_cidr.h"
#include "network/pod_network.h"

namespace berth::network {
namespace {

class CniNetworkTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (getuid() != 0) GTEST_SKIP() << "needs root";
    if (!std::filesystem::exists("/usr/lib/cni/bridge")) GTEST_SKIP() << "no CNI plugins";
    int pid = getpid();
    config_.cluster = "nt" + std::to_string(pid);
    config_.bridge = "bn" + std::to_string(pid % 1000000);
    config_.pod_cidr = "10." + std::to_string(150 + pid % 40) + "." + std::to_string((pid / 40) % 250) + ".0/24";
    config_.state_dir = "/tmp/berth-nettest-" + std::to_string(pid);
    config_.routes = {"10.99." + std::to_string(pid % 250) + ".0/24"};
    net_ = NewCniNetwork(config_);
  }
  void TearDown() override {
    if (!net_) return;
    EXPECT_TRUE(net_->Destroy().ok());
    auto link = RunSubprocess({"ip", "link", "show", config_.bridge});
    EXPECT_NE(link->exit_code, 0) << "bridge left behind";
    auto ns = RunChecked({"ip", "netns", "list"});
    EXPECT_EQ(ns->find("berth-" + config_.cluster + "-"), std::string::npos) << *ns;
    std::filesystem::remove_all(config_.state_dir);
  }
  bool Ping(const std::string& netns, const std::string& ip) {
    auto r = RunSubprocess({"ip", "netns", "exec", netns, "/bin/busybox", "ping", "-c1", "-W2", ip});
    return r.ok() && r->exit_code == 0;
  }
  NetworkConfig config_;
  std::unique_ptr<PodNetwork> net_;
};

TEST_F(CniNetworkTest, InitIsIdempotentAndRoutesTheCidrToTheBridge) {
  ASSERT_TRUE(net_->Init().ok());
  ASSERT_TRUE(net_->Init().ok());
  auto cidr = ParseIpv4Cidr(config_.pod_cidr);
  std::string some_ip = FormatIpv4(cidr->network + 77);
  auto route = RunChecked({"ip", "route", "get", some_ip});
  ASSERT_TRUE(route.ok());
  EXPECT_NE(route->find("dev " + config_.bridge), std::string::npos) << *route;
}

TEST_F(CniNetworkTest, SandboxesGetDistinctIpsAndReachEachOther) {
  ASSERT_TRUE(net_->Init().ok());
  auto a = net_->Add("sa", "default", "a", {});
  ASSERT_TRUE(a.ok()) << a.status().ToString();
  auto b = net_->Add("sb", "default", "b", {});
  ASSERT_TRUE(b.ok()) << b.status().ToString();
  EXPECT_NE(a->ip, b->ip);
  auto cidr = ParseIpv4Cidr(config_.pod_cidr);
  EXPECT_TRUE(cidr->Contains(a->ip));
  EXPECT_EQ(a->gateway, cidr->FirstHost());
  std::string ns_a = "berth-" + config_.cluster + "-sa";
  EXPECT_TRUE(Ping(ns_a, b->ip));
  EXPECT_TRUE(Ping(ns_a, a->gateway));
  // No default route in pods: nothing can leave the machine; the extra route is there.
  auto routes = RunChecked({"ip", "netns", "exec", ns_a, "ip", "route"});
  ASSERT_TRUE(routes.ok());
  EXPECT_EQ(routes->find("default"), std::string::npos) << *routes;
  EXPECT_NE(routes->find(config_.routes[0]), std::string::npos) << *routes;
  // Add is idempotent.
  auto again = net_->Add("sa", "default", "a", {});
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->ip, a->ip);
  // A new object over the same state (agent restart) sees the cached result.
  auto reopened = NewCniNetwork(config_);
  auto got = reopened->Get("sb");
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->ip, b->ip);
  auto listed = reopened->List();
  ASSERT_TRUE(listed.ok());
  EXPECT_EQ(listed->size(), 2u);
}

TEST_F(CniNetworkTest, RemoveReleasesTheAddressAndTheNamespace) {
  ASSERT_TRUE(net_->Init().ok());
  auto a = net_->Add("sx", "default", "x", {});
  ASSERT_TRUE(a.ok()) << a.status().ToString();
  ASSERT_TRUE(net_->Remove("sx").ok());
  EXPECT_FALSE(std::filesystem::exists(a->netns_path));
  EXPECT_FALSE(std::filesystem::exists(config_.state_dir + "/ipam/berth-" + config_.cluster + "/" + a->ip));
  EXPECT_EQ(net_->Get("sx").status().reason(), Reason::kNotFound);
  EXPECT_TRUE(net_->Remove("sx").ok());
  EXPECT_TRUE(net_->Remove("never-existed").ok());
}

TEST_F(CniNetworkTest, PluginFailureIsReportedAndLeavesNoNamespace) {
  NetworkConfig bad = config_;
  bad.cni_bin_dir = "/nonexistent-cni";
  auto broken = NewCniNetwork(bad);
  ASSERT_TRUE(broken->Init().ok());
  auto r = broken->Add("sbad", "default", "bad", {});
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("cni loopback ADD"), std::string::npos) << r.status().message();
  EXPECT_FALSE(std::filesystem::exists("/run/netns/berth-" + config_.cluster + "-sbad"));
}

}  // namespace
}  // namespace berth::network
