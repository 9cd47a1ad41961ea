// Real traffic through rendered rulesets: nft applies them inside a private "node" netns, pods
// in their own netns behind its bridge, a client outside (netns_fixture.h). Needs root.
#include <gtest/gtest.h>

#include <map>

#include "proxy/delta.h"
#include "proxy/netns_fixture.h"
#include "proxy/nft_runner.h"
#include "proxy/ruleset.h"
#include "proxy/test_ports.h"

namespace berth::proxy {
namespace {

using testing::Dial;
using testing::EchoServer;
using testing::ModelOf;
using testing::Port;
using testing::TestNetwork;

class TrafficTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { net_ = new TestNetwork(4); }
  static void TearDownTestSuite() {
    delete net_;
    net_ = nullptr;
  }
  void SetUp() override {
    ASSERT_NE(net_, nullptr);
    nft_ = NewNftRunner(net_->node());
    // Pods 1..3 serve on 8080 and greet with their name; pod 4 is the client.
    for (int i = 1; i <= 3; ++i) {
      servers_.push_back(std::make_unique<EchoServer>(net_->pod(i), TestNetwork::PodIp(i), 8080,
                                                      "p" + std::to_string(i)));
    }
  }
  void TearDown() override {
    servers_.clear();
    // Flush conntrack state between tests by removing the table (new table, new decisions).
    (void)nft_->Run("add table ip berth-test\ndelete table ip berth-test\n");
  }
  void Apply(const Model& m, RenderOptions o = testing::TestRenderOptions()) {
    Status st = nft_->Run(RenderFull(o, m));
    ASSERT_TRUE(st.ok()) << st.ToString();
  }
  // Server names seen over `n` connections from `from` to ip:port.
  std::map<std::string, int> Spread(const std::string& from, const std::string& ip, int port,
                                    int n) {
    std::map<std::string, int> seen;
    for (int i = 0; i < n; ++i) {
      testing::Conn c = Dial(from, ip, port);
      seen[c.error.empty() ? c.server() : c.error]++;
    }
    return seen;
  }
  static Backend Pod(int i) { return {TestNetwork::PodIp(i), 8080}; }

  static TestNetwork* net_;
  std::unique_ptr<NftRunner> nft_;
  std::vector<std::unique_ptr<EchoServer>> servers_;
};

TestNetwork* TrafficTest::net_ = nullptr;

TEST_F(TrafficTest, ClusterIpSpreadsOverEndpointsFromPodsAndHost) {
  Apply(ModelOf({Port("web", "10.96.0.10", 80, {Pod(1), Pod(2), Pod(3)})}));
  auto seen = Spread(net_->pod(4), "10.96.0.10", 80, 60);
  EXPECT_EQ(seen.size(), 3u) << ::testing::PrintToString(seen);
  for (const char* p : {"p1", "p2", "p3"}) EXPECT_GE(seen[p], 6) << p;  // ~20 each
  // A pod's source address is kept.
  testing::Conn c = Dial(net_->pod(4), "10.96.0.10", 80);
  ASSERT_EQ(c.error, "");
  EXPECT_EQ(c.peer(), TestNetwork::PodIp(4));
  // The host itself (output hook).
  auto from_host = Spread(net_->node(), "10.96.0.10", 80, 30);
  EXPECT_EQ(from_host.size(), 3u) << ::testing::PrintToString(from_host);
  // A port the service does not have is not intercepted (no route beyond the bridge: timeout).
  EXPECT_NE(Dial(net_->pod(4), "10.96.0.10", 81, std::chrono::milliseconds(300)).error, "");
}

TEST_F(TrafficTest, NoEndpointsIsRefusedAtOnce) {
  Apply(ModelOf({Port("empty", "10.96.0.30", 80, {})}));
  for (const std::string& from : {net_->pod(4), net_->node()}) {
    testing::Conn c = Dial(from, "10.96.0.30", 80);
    EXPECT_EQ(c.error, "ECONNREFUSED") << from;
    EXPECT_LT(c.took.count(), 500) << from;
  }
}

TEST_F(TrafficTest, NodePortClusterPolicyMasquerades) {
  ServicePort p = Port("np", "10.96.0.20", 80, {Pod(1), Pod(2)});
  p.node_port = 30080;
  p.external_backends = {Pod(1), Pod(2)};
  Apply(ModelOf({p}));
  auto seen = Spread(net_->outside(), TestNetwork::kNodeIp, 30080, 30);
  EXPECT_EQ(seen.size(), 2u) << ::testing::PrintToString(seen);
  testing::Conn c = Dial(net_->outside(), TestNetwork::kNodeIp, 30080);
  ASSERT_EQ(c.error, "");
  EXPECT_EQ(c.peer(), "10.88.0.1");  // masqueraded to the node's bridge address
  // From the host itself to its own address.
  EXPECT_EQ(Dial(net_->node(), TestNetwork::kNodeIp, 30080).error, "");
}

TEST_F(TrafficTest, NodePortLocalPolicyKeepsTheClientAddressAndLocalEndpoints) {
  ServicePort p = Port("np", "10.96.0.20", 80, {Pod(1), Pod(2)});
  p.node_port = 30080;
  p.external_local = true;
  p.external_backends = {Pod(2)};  // the only endpoint on this node
  Apply(ModelOf({p}));
  auto seen = Spread(net_->outside(), TestNetwork::kNodeIp, 30080, 10);
  EXPECT_EQ(seen, (std::map<std::string, int>{{"p2", 10}}));
  testing::Conn c = Dial(net_->outside(), TestNetwork::kNodeIp, 30080);
  ASSERT_EQ(c.error, "");
  EXPECT_EQ(c.peer(), TestNetwork::kOutsideIp);
}

TEST_F(TrafficTest, NodePortWithoutEndpointsIsRefused) {
  ServicePort p = Port("np", "10.96.0.20", 80, {});
  p.node_port = 30080;
  Apply(ModelOf({p}));
  testing::Conn c = Dial(net_->outside(), TestNetwork::kNodeIp, 30080);
  EXPECT_EQ(c.error, "ECONNREFUSED");
  EXPECT_LT(c.took.count(), 500);
}

TEST_F(TrafficTest, HairpinReachesItselfThroughItsService) {
  Apply(ModelOf({Port("self", "10.96.0.50", 80, {Pod(1)})}));
  testing::Conn c = Dial(net_->pod(1), "10.96.0.50", 80);
  ASSERT_EQ(c.error, "");
  EXPECT_EQ(c.server(), "p1");
  EXPECT_EQ(c.peer(), "10.88.0.1");  // masqueraded, or the reply would bypass the node
  EXPECT_TRUE(c.Echo("ping"));
}

TEST_F(TrafficTest, SessionAffinityPinsAClient) {
  ServicePort p = Port("sticky", "10.96.0.40", 80, {Pod(1), Pod(2), Pod(3)});
  p.affinity_seconds = 60;
  Apply(ModelOf({p}));
  auto from4 = Spread(net_->pod(4), "10.96.0.40", 80, 15);
  EXPECT_EQ(from4.size(), 1u) << ::testing::PrintToString(from4);
  EXPECT_EQ(from4.begin()->second, 15);
}

TEST_F(TrafficTest, ClusterDnsIpGoesToTheNodeLocalTarget) {
  EchoServer dns(net_->node(), "10.88.0.1", 5353, "dns");
  RenderOptions o = testing::TestRenderOptions();
  o.dns_cluster_ip = "10.96.0.3";
  o.dns_target_ip = "10.88.0.1";
  o.dns_target_port = 5353;
  Apply({}, o);
  testing::Conn c = Dial(net_->pod(4), "10.96.0.3", 53);
  ASSERT_EQ(c.error, "");
  EXPECT_EQ(c.server(), "dns");
  EXPECT_EQ(Dial(net_->node(), "10.96.0.3", 53).server(), "dns");

  // UDP: a datagram to 10.96.0.3:53 reaches 10.88.0.1:5353 and the answer comes back from
  // 10.96.0.3 (connected UDP socket: an answer from another address would not be received).
  int server = testing::InNetns(net_->node(), [] {
    int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(5353);
    inet_pton(AF_INET, "10.88.0.1", &a.sin_addr);
    return bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0 ? fd : -1;
  });
  ASSERT_GE(server, 0);
  int client = testing::InNetns(net_->pod(4), [] {
    int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(53);
    inet_pton(AF_INET, "10.96.0.3", &a.sin_addr);
    return connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0 ? fd : -1;
  });
  ASSERT_GE(client, 0);
  ASSERT_EQ(send(client, "q", 1, 0), 1);
  char buf[16];
  sockaddr_in from{};
  socklen_t len = sizeof from;
  pollfd p{server, POLLIN, 0};
  ASSERT_EQ(poll(&p, 1, 2000), 1);
  ASSERT_EQ(recvfrom(server, buf, sizeof buf, 0, reinterpret_cast<sockaddr*>(&from), &len), 1);
  ASSERT_EQ(sendto(server, "a", 1, 0, reinterpret_cast<sockaddr*>(&from), len), 1);
  pollfd q{client, POLLIN, 0};
  ASSERT_EQ(poll(&q, 1, 2000), 1);
  EXPECT_EQ(recv(client, buf, sizeof buf, 0), 1);
  EXPECT_EQ(buf[0], 'a');
  close(server);
  close(client);
}

TEST_F(TrafficTest, DeltasApplyAndTerminatingEndpointsKeepTheirConnections) {
  Model m1 = ModelOf({Port("web", "10.96.0.10", 80, {Pod(1), Pod(2)}),
                      Port("gone", "10.96.0.11", 80, {Pod(3)})});
  Apply(m1);
  // Hold a connection to p2.
  testing::Conn held;
  for (int i = 0; i < 50 && held.server() != "p2"; ++i) held = Dial(net_->pod(4), "10.96.0.10", 80);
  ASSERT_EQ(held.server(), "p2");

  // p2 terminates (no longer in the spread), "gone" is deleted, "new" appears.
  Model m2 = ModelOf({Port("web", "10.96.0.10", 80, {Pod(1)}),
                      Port("new", "10.96.0.12", 80, {Pod(3)})});
  Status st = nft_->Run(RenderDelta(testing::TestRenderOptions(), m1, m2));
  ASSERT_TRUE(st.ok()) << st.ToString();
  EXPECT_EQ(Spread(net_->pod(4), "10.96.0.10", 80, 10), (std::map<std::string, int>{{"p1", 10}}));
  EXPECT_EQ(Dial(net_->pod(4), "10.96.0.12", 80).server(), "p3");
  EXPECT_NE(Dial(net_->pod(4), "10.96.0.11", 80, std::chrono::milliseconds(300)).error, "");
  EXPECT_TRUE(held.Echo("still here"));  // conntrack keeps the established connection

  // And every endpoint gone: refused. Then back again.
  Model m3 = ModelOf({Port("web", "10.96.0.10", 80, {}), Port("new", "10.96.0.12", 80, {Pod(3)})});
  ASSERT_TRUE(nft_->Run(RenderDelta(testing::TestRenderOptions(), m2, m3)).ok());
  EXPECT_EQ(Dial(net_->pod(4), "10.96.0.10", 80).error, "ECONNREFUSED");
  ASSERT_TRUE(nft_->Run(RenderDelta(testing::TestRenderOptions(), m3, m1)).ok());
  EXPECT_EQ(Spread(net_->pod(4), "10.96.0.10", 80, 20).size(), 2u);
}

TEST_F(TrafficTest, AffinityTimeoutChangeAppliesInOneTransaction) {
  ServicePort p = Port("sticky", "10.96.0.40", 80, {Pod(1), Pod(2)});
  p.affinity_seconds = 60;
  Model m1 = ModelOf({p});
  Apply(m1);
  ServicePort q = p;
  q.affinity_seconds = 120;
  q.cluster_backends.push_back(Pod(3));
  Status st = nft_->Run(RenderDelta(testing::TestRenderOptions(), m1, ModelOf({q})));
  ASSERT_TRUE(st.ok()) << st.ToString();
  EXPECT_EQ(Spread(net_->pod(4), "10.96.0.40", 80, 10).size(), 1u);
  st = nft_->Run(RenderDelta(testing::TestRenderOptions(), ModelOf({q}), {}));
  ASSERT_TRUE(st.ok()) << st.ToString();
}

TEST_F(TrafficTest, GoldenRulesetIsAcceptedByNft) {
  // The representative model of ruleset_test.cc, applied for real, twice (idempotent).
  ServicePort np = Port("np", "10.96.0.20", 80, {{"10.88.1.5", 80}, {"10.88.2.6", 80}});
  np.node_port = 30080;
  np.external_local = true;
  np.external_backends = {{"10.88.1.5", 80}};
  ServicePort sticky = Port("sticky", "10.96.0.40", 443, {{"10.88.1.7", 8443}});
  sticky.affinity_seconds = 60;
  RenderOptions o = testing::TestRenderOptions();
  o.dns_cluster_ip = "10.96.0.3";
  o.dns_target_ip = "10.88.0.1";
  Model m = ModelOf({np, sticky, Port("empty", "10.96.0.30", 53, {}, "", "udp")});
  Apply(m, o);
  Apply(m, o);
}

}  // namespace
}  // namespace berth::proxy
