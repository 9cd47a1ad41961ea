// Golden tests of the incremental renderer: only changed ports appear; elements leave before
// chains are flushed, chains that go away are deleted last.
#include "proxy/delta.h"

#include <gtest/gtest.h>

#include "proxy/test_ports.h"

namespace berth::proxy {
namespace {

using testing::ModelOf;
using testing::Port;
using testing::TestRenderOptions;

TEST(DeltaTest, NothingChangedIsEmpty) {
  Model m = ModelOf({Port("web", "10.96.0.10", 80, {{"10.88.1.2", 8080}})});
  EXPECT_EQ(RenderDelta(TestRenderOptions(), m, m), "");
}

TEST(DeltaTest, OnlyChangedServicesAppear) {
  ServicePort untouched = Port("db", "10.96.0.60", 5432, {{"10.88.1.8", 5432}});
  Model before = ModelOf({
      untouched,
      Port("web", "10.96.0.10", 80, {{"10.88.1.2", 8080}, {"10.88.2.3", 8080}}, "http"),
      Port("empty", "10.96.0.30", 53, {}, "", "udp"),
  });
  Model after = ModelOf({
      untouched,
      Port("web", "10.96.0.10", 80, {{"10.88.1.2", 8080}, {"10.88.1.4", 8080}}, "http"),
      Port("new", "10.96.0.50", 80, {{"10.88.1.9", 80}}),
  });
  const char* want = R"(delete element ip berth-test no-endpoint-services { 10.96.0.30 . udp . 53 }
add chain ip berth-test svc-default/new/tcp/80
flush chain ip berth-test svc-default/new/tcp/80
add chain ip berth-test ep-default/new/tcp/80/10.88.1.9/80
flush chain ip berth-test ep-default/new/tcp/80/10.88.1.9/80
add chain ip berth-test svc-default/web/tcp/http
flush chain ip berth-test svc-default/web/tcp/http
add chain ip berth-test ep-default/web/tcp/http/10.88.1.2/8080
flush chain ip berth-test ep-default/web/tcp/http/10.88.1.2/8080
add chain ip berth-test ep-default/web/tcp/http/10.88.1.4/8080
flush chain ip berth-test ep-default/web/tcp/http/10.88.1.4/8080
flush chain ip berth-test ep-default/web/tcp/http/10.88.2.3/8080
add rule ip berth-test svc-default/new/tcp/80 ip saddr != 10.88.0.0/16 jump mark-for-masquerade
add rule ip berth-test svc-default/new/tcp/80 goto ep-default/new/tcp/80/10.88.1.9/80
add rule ip berth-test ep-default/new/tcp/80/10.88.1.9/80 ip saddr 10.88.1.9 jump mark-for-masquerade
add rule ip berth-test ep-default/new/tcp/80/10.88.1.9/80 meta l4proto tcp dnat to 10.88.1.9:80
add rule ip berth-test svc-default/web/tcp/http ip saddr != 10.88.0.0/16 jump mark-for-masquerade
add rule ip berth-test svc-default/web/tcp/http numgen random mod 2 == 0 goto ep-default/web/tcp/http/10.88.1.2/8080
add rule ip berth-test svc-default/web/tcp/http goto ep-default/web/tcp/http/10.88.1.4/8080
add rule ip berth-test ep-default/web/tcp/http/10.88.1.2/8080 ip saddr 10.88.1.2 jump mark-for-masquerade
add rule ip berth-test ep-default/web/tcp/http/10.88.1.2/8080 meta l4proto tcp dnat to 10.88.1.2:8080
add rule ip berth-test ep-default/web/tcp/http/10.88.1.4/8080 ip saddr 10.88.1.4 jump mark-for-masquerade
add rule ip berth-test ep-default/web/tcp/http/10.88.1.4/8080 meta l4proto tcp dnat to 10.88.1.4:8080
add element ip berth-test service-ips { 10.96.0.50 . tcp . 80 : goto svc-default/new/tcp/80 }
delete chain ip berth-test ep-default/web/tcp/http/10.88.2.3/8080
)";
  EXPECT_EQ(RenderDelta(TestRenderOptions(), before, after), want);
}

TEST(DeltaTest, RemovedServiceLosesElementsBeforeItsChains) {
  ServicePort np = Port("np", "10.96.0.20", 80, {{"10.88.1.5", 80}});
  np.node_port = 30080;
  np.external_backends = {{"10.88.1.5", 80}};
  const char* want = R"(delete element ip berth-test service-ips { 10.96.0.20 . tcp . 80 }
delete element ip berth-test service-nodeports { tcp . 30080 }
flush chain ip berth-test svc-default/np/tcp/80
flush chain ip berth-test ext-default/np/tcp/80
flush chain ip berth-test ep-default/np/tcp/80/10.88.1.5/80
delete chain ip berth-test svc-default/np/tcp/80
delete chain ip berth-test ext-default/np/tcp/80
delete chain ip berth-test ep-default/np/tcp/80/10.88.1.5/80
)";
  EXPECT_EQ(RenderDelta(TestRenderOptions(), ModelOf({np}), {}), want);
}

TEST(DeltaTest, LosingEveryEndpointSwitchesToReject) {
  Model before = ModelOf({Port("web", "10.96.0.10", 80, {{"10.88.1.2", 8080}})});
  Model after = ModelOf({Port("web", "10.96.0.10", 80, {})});
  const char* want = R"(delete element ip berth-test service-ips { 10.96.0.10 . tcp . 80 }
flush chain ip berth-test svc-default/web/tcp/80
flush chain ip berth-test ep-default/web/tcp/80/10.88.1.2/8080
add element ip berth-test no-endpoint-services { 10.96.0.10 . tcp . 80 : goto reject-chain }
delete chain ip berth-test svc-default/web/tcp/80
delete chain ip berth-test ep-default/web/tcp/80/10.88.1.2/8080
)";
  EXPECT_EQ(RenderDelta(TestRenderOptions(), before, after), want);
}

TEST(DeltaTest, AffinitySetsStayUnlessTheirTimeoutChanges) {
  ServicePort p = Port("sticky", "10.96.0.40", 443, {{"10.88.1.7", 8443}});
  p.affinity_seconds = 60;
  ServicePort more = p;
  more.cluster_backends.push_back({"10.88.1.8", 8443});
  std::string grow = RenderDelta(TestRenderOptions(), ModelOf({p}), ModelOf({more}));
  EXPECT_EQ(grow.find("set ip berth-test aff-default/sticky/tcp/443/10.88.1.7/8443"),
            std::string::npos)
      << grow;
  EXPECT_NE(grow.find("add set ip berth-test aff-default/sticky/tcp/443/10.88.1.8/8443 { type "
                      "ipv4_addr; flags dynamic,timeout; timeout 60s; }"),
            std::string::npos)
      << grow;

  ServicePort longer = p;
  longer.affinity_seconds = 120;
  std::string retime = RenderDelta(TestRenderOptions(), ModelOf({p}), ModelOf({longer}));
  const std::string ep = "default/sticky/tcp/443/10.88.1.7/8443";
  const size_t flush = retime.find("flush chain ip berth-test ep-" + ep);
  const size_t del = retime.find("delete set ip berth-test aff-" + ep);
  const size_t add = retime.find("add set ip berth-test aff-" + ep);
  ASSERT_NE(flush, std::string::npos) << retime;
  ASSERT_NE(del, std::string::npos) << retime;
  ASSERT_NE(add, std::string::npos) << retime;
  EXPECT_LT(flush, del);
  EXPECT_LT(del, add);

  std::string gone = RenderDelta(TestRenderOptions(), ModelOf({p}), {});
  EXPECT_LT(gone.find("flush chain ip berth-test ep-default/sticky/tcp/443/10.88.1.7/8443"),
            gone.find("delete set ip berth-test aff-default/sticky/tcp/443/10.88.1.7/8443"));
}

}  // namespace
}  // namespace berth::proxy
