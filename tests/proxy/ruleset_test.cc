// Golden tests of the full ruleset renderer: whole expected `nft -f` texts (address plan in
// test_ports.h). ruleset_apply_test.cc feeds the same texts to the real nft.
#include "proxy/ruleset.h"

#include <gtest/gtest.h>

#include "proxy/test_ports.h"

namespace berth::proxy {
namespace {

using testing::ModelOf;
using testing::Port;
using testing::TestRenderOptions;

constexpr const char* kBaseChains = R"(	chain nat-prerouting {
		type nat hook prerouting priority -100; policy accept;
		jump services
	}
	chain nat-output {
		type nat hook output priority -100; policy accept;
		jump services
	}
	chain nat-postrouting {
		type nat hook postrouting priority 100; policy accept;
		jump masquerading
	}
	chain filter-input {
		type filter hook input priority -110; policy accept;
		ct state new jump reject-check
	}
	chain filter-forward {
		type filter hook forward priority -110; policy accept;
		ct state new jump reject-check
	}
	chain filter-output {
		type filter hook output priority -110; policy accept;
		ct state new jump reject-check
	}
)";

constexpr const char* kFixedChains = R"(	chain reject-check {
		ip daddr . meta l4proto . th dport vmap @no-endpoint-services
		fib daddr type local ip daddr != 127.0.0.0/8 meta l4proto . th dport vmap @no-endpoint-nodeports
	}
	chain reject-chain {
		meta l4proto tcp reject with tcp reset
		reject
	}
	chain mark-for-masquerade {
		meta mark set meta mark or 0x4000
	}
	chain masquerading {
		meta mark & 0x4000 == 0 return
		meta mark set meta mark xor 0x4000
		masquerade fully-random
	}
)";

TEST(RulesetTest, EmptyModelIsTheBaseTable) {
  std::string want = std::string(R"(add table ip berth-test
delete table ip berth-test
table ip berth-test {
	map service-ips {
		type ipv4_addr . inet_proto . inet_service : verdict
	}
	map service-nodeports {
		type inet_proto . inet_service : verdict
	}
	map no-endpoint-services {
		type ipv4_addr . inet_proto . inet_service : verdict
	}
	map no-endpoint-nodeports {
		type inet_proto . inet_service : verdict
	}
)") + kBaseChains + R"(	chain services {
		ip daddr . meta l4proto . th dport vmap @service-ips
		fib daddr type local ip daddr != 127.0.0.0/8 meta l4proto . th dport vmap @service-nodeports
	}
)" + kFixedChains + "}\n";
  EXPECT_EQ(RenderFull(TestRenderOptions(), {}), want);
}

// Four representative services: a two-endpoint ClusterIP service with a named port, a NodePort
// service with externalTrafficPolicy Local (one of its endpoints on this node), a UDP service
// without endpoints, and a ClientIP-affinity service; plus the node-local DNS rules.
Model RepresentativeModel() {
  ServicePort web =
      Port("web", "10.96.0.10", 80, {{"10.88.1.2", 8080}, {"10.88.2.3", 8080}}, "http");
  ServicePort np = Port("np", "10.96.0.20", 80, {{"10.88.1.5", 80}, {"10.88.2.6", 80}});
  np.node_port = 30080;
  np.external_local = true;
  np.external_backends = {{"10.88.1.5", 80}};
  ServicePort empty = Port("empty", "10.96.0.30", 53, {}, "", "udp");
  ServicePort sticky = Port("sticky", "10.96.0.40", 443, {{"10.88.1.7", 8443}});
  sticky.affinity_seconds = 60;
  return ModelOf({web, np, empty, sticky});
}

RenderOptions RepresentativeOptions() {
  RenderOptions o = TestRenderOptions();
  o.dns_cluster_ip = "10.96.0.3";
  o.dns_target_ip = "10.88.0.1";
  o.dns_target_port = 53;
  return o;
}

TEST(RulesetTest, RepresentativeServices) {
  std::string want = std::string(R"(add table ip berth-test
delete table ip berth-test
table ip berth-test {
	map service-ips {
		type ipv4_addr . inet_proto . inet_service : verdict
		elements = {
			10.96.0.20 . tcp . 80 : goto svc-default/np/tcp/80,
			10.96.0.40 . tcp . 443 : goto svc-default/sticky/tcp/443,
			10.96.0.10 . tcp . 80 : goto svc-default/web/tcp/http
		}
	}
	map service-nodeports {
		type inet_proto . inet_service : verdict
		elements = {
			tcp . 30080 : goto ext-default/np/tcp/80
		}
	}
	map no-endpoint-services {
		type ipv4_addr . inet_proto . inet_service : verdict
		elements = {
			10.96.0.30 . udp . 53 : goto reject-chain
		}
	}
	map no-endpoint-nodeports {
		type inet_proto . inet_service : verdict
	}
	set aff-default/sticky/tcp/443/10.88.1.7/8443 {
		type ipv4_addr
		flags dynamic,timeout
		timeout 60s
	}
)") + kBaseChains + R"(	chain services {
		ip daddr 10.96.0.3 udp dport 53 dnat to 10.88.0.1:53
		ip daddr 10.96.0.3 tcp dport 53 dnat to 10.88.0.1:53
		ip daddr . meta l4proto . th dport vmap @service-ips
		fib daddr type local ip daddr != 127.0.0.0/8 meta l4proto . th dport vmap @service-nodeports
	}
)" + kFixedChains + R"(	chain svc-default/np/tcp/80 {
		ip saddr != 10.88.0.0/16 jump mark-for-masquerade
		numgen random mod 2 == 0 goto ep-default/np/tcp/80/10.88.1.5/80
		goto ep-default/np/tcp/80/10.88.2.6/80
	}
	chain ext-default/np/tcp/80 {
		goto ep-default/np/tcp/80/10.88.1.5/80
	}
	chain ep-default/np/tcp/80/10.88.1.5/80 {
		ip saddr 10.88.1.5 jump mark-for-masquerade
		meta l4proto tcp dnat to 10.88.1.5:80
	}
	chain ep-default/np/tcp/80/10.88.2.6/80 {
		ip saddr 10.88.2.6 jump mark-for-masquerade
		meta l4proto tcp dnat to 10.88.2.6:80
	}
	chain svc-default/sticky/tcp/443 {
		ip saddr != 10.88.0.0/16 jump mark-for-masquerade
		ip saddr @aff-default/sticky/tcp/443/10.88.1.7/8443 goto ep-default/sticky/tcp/443/10.88.1.7/8443
		goto ep-default/sticky/tcp/443/10.88.1.7/8443
	}
	chain ep-default/sticky/tcp/443/10.88.1.7/8443 {
		ip saddr 10.88.1.7 jump mark-for-masquerade
		update @aff-default/sticky/tcp/443/10.88.1.7/8443 { ip saddr }
		meta l4proto tcp dnat to 10.88.1.7:8443
	}
	chain svc-default/web/tcp/http {
		ip saddr != 10.88.0.0/16 jump mark-for-masquerade
		numgen random mod 2 == 0 goto ep-default/web/tcp/http/10.88.1.2/8080
		goto ep-default/web/tcp/http/10.88.2.3/8080
	}
	chain ep-default/web/tcp/http/10.88.1.2/8080 {
		ip saddr 10.88.1.2 jump mark-for-masquerade
		meta l4proto tcp dnat to 10.88.1.2:8080
	}
	chain ep-default/web/tcp/http/10.88.2.3/8080 {
		ip saddr 10.88.2.3 jump mark-for-masquerade
		meta l4proto tcp dnat to 10.88.2.3:8080
	}
}
)";
  EXPECT_EQ(RenderFull(RepresentativeOptions(), RepresentativeModel()), want);
}

TEST(RulesetTest, ClusterPolicyNodePortMasqueradesAndSpreadsOverAll) {
  ServicePort p = Port("np", "10.96.0.20", 80, {{"10.88.1.5", 80}});  // internalTrafficPolicy Local
  p.node_port = 30080;
  p.external_ips = {"192.168.77.100"};
  p.external_backends = {{"10.88.1.5", 80}, {"10.88.2.6", 80}, {"10.88.2.7", 80}};
  PortObjects po = RenderPort(TestRenderOptions(), p);
  ASSERT_EQ(po.chains.size(), 5u);
  EXPECT_EQ(po.chains[1].name, "ext-default/np/tcp/80");
  EXPECT_EQ(po.chains[1].rules,
            (std::vector<std::string>{
                "jump mark-for-masquerade",
                "numgen random mod 3 == 0 goto ep-default/np/tcp/80/10.88.1.5/80",
                "numgen random mod 2 == 0 goto ep-default/np/tcp/80/10.88.2.6/80",
                "goto ep-default/np/tcp/80/10.88.2.7/80"}));
  EXPECT_EQ(po.elements,
            (std::vector<NftElement>{
                {"service-ips", "10.96.0.20 . tcp . 80", "goto svc-default/np/tcp/80"},
                {"service-ips", "192.168.77.100 . tcp . 80", "goto ext-default/np/tcp/80"},
                {"service-nodeports", "tcp . 30080", "goto ext-default/np/tcp/80"}}));
}

TEST(RulesetTest, NoLocalEndpointDropsButNoEndpointRejects) {
  ServicePort p = Port("np", "10.96.0.20", 80, {});
  p.node_port = 30080;
  p.cluster_none = NoBackend::kDrop;
  p.external_none = NoBackend::kDrop;
  PortObjects po = RenderPort(TestRenderOptions(), p);
  EXPECT_TRUE(po.chains.empty());
  EXPECT_EQ(po.elements, (std::vector<NftElement>{
                             {"no-endpoint-services", "10.96.0.20 . tcp . 80", "drop"},
                             {"no-endpoint-nodeports", "tcp . 30080", "drop"}}));
  p.cluster_none = p.external_none = NoBackend::kReject;
  po = RenderPort(TestRenderOptions(), p);
  EXPECT_EQ(po.elements,
            (std::vector<NftElement>{
                {"no-endpoint-services", "10.96.0.20 . tcp . 80", "goto reject-chain"},
                {"no-endpoint-nodeports", "tcp . 30080", "goto reject-chain"}}));
}

TEST(RulesetTest, WithoutPodCidrEveryClusterIpConnectionIsMasqueraded) {
  RenderOptions o = TestRenderOptions();
  o.pod_cidr = "";
  PortObjects po = RenderPort(o, Port("web", "10.96.0.10", 80, {{"10.88.1.2", 8080}}));
  ASSERT_FALSE(po.chains.empty());
  EXPECT_EQ(po.chains[0].rules.front(), "jump mark-for-masquerade");
}

TEST(RulesetTest, DuplicateElementKeysKeepTheFirst) {
  // Two services claiming one cluster IP and port (the API refuses this; a stale cache may not).
  Model m = ModelOf({Port("a", "10.96.0.10", 80, {{"10.88.1.2", 80}}),
                     Port("b", "10.96.0.10", 80, {{"10.88.1.3", 80}})});
  std::string s = RenderFull(TestRenderOptions(), m);
  EXPECT_NE(s.find("10.96.0.10 . tcp . 80 : goto svc-default/a/tcp/80"), std::string::npos);
  EXPECT_EQ(s.find("10.96.0.10 . tcp . 80 : goto svc-default/b/tcp/80"), std::string::npos);
}

}  // namespace
}  // namespace berth::proxy
