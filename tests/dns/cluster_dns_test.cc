// ClusterDns end to end: a real in-process API server, Services and EndpointSlices created
// through the client, the DNS server on 127.0.0.1 queried over UDP and TCP by our own client
// and by dig, names outside the cluster forwarded to a fake upstream on loopback.
#include "dns/cluster_dns.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <memory>

#include "controllers/testing/control_plane.h"
#include "dns/zone.h"
#include "dns_test_util.h"

namespace berth::dns {
namespace {

using berth::testing::ControlPlane;
using testing::Query;

json::object Service(const std::string& name, json::object spec) {
  return json::object{{"apiVersion", "v1"},
                      {"kind", "Service"},
                      {"metadata", {{"name", name}, {"namespace", "default"}}},
                      {"spec", std::move(spec)}};
}

json::object Slice(const std::string& name, const std::string& service, json::array endpoints,
                   json::array ports) {
  return json::object{
      {"apiVersion", "discovery.k8s.io/v1"},
      {"kind", "EndpointSlice"},
      {"metadata",
       {{"name", name},
        {"namespace", "default"},
        {"labels", {{"kubernetes.io/service-name", service}}}}},
      {"addressType", "IPv4"},
      {"endpoints", std::move(endpoints)},
      {"ports", std::move(ports)}};
}

json::object Endpoint(const std::string& ip, bool ready, const std::string& hostname = "") {
  json::object ep{{"addresses", json::array{json::value(ip)}},
                  {"conditions", {{"ready", ready}, {"serving", ready}, {"terminating", false}}},
                  {"nodeName", "node-1"}};
  if (!hostname.empty()) ep["hostname"] = hostname;
  return ep;
}

// Answers (rcode, A addresses as text) of one UDP query; rcode -1 when nothing came back.
struct Answer {
  int rcode = -1;
  bool tc = false;
  std::vector<std::string> a;
  std::vector<Record> records;
};
Answer Parse(const std::optional<std::string>& reply) {
  Answer out;
  if (!reply) return out;
  auto m = Decode(*reply);
  if (!m.ok()) return out;
  out.rcode = m->header.rcode;
  out.tc = m->header.tc;
  out.records = m->answers;
  for (const Record& r : m->answers) {
    if (const auto* ip = std::get_if<uint32_t>(&r.data)) out.a.push_back(FormatIPv4(*ip));
  }
  return out;
}

std::string Shell(const std::string& cmd) {
  std::string out;
  FILE* f = ::popen(cmd.c_str(), "r");
  if (f == nullptr) return out;
  char buf[4096];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof(buf), f)) > 0) out.append(buf, n);
  ::pclose(f);
  return out;
}

class ClusterDnsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    web_ip_ = GetString(cp_.Create("/api/v1/namespaces/default/services",
                                   Service("web", {{"ports", json::array{{{"name", "http"},
                                                                          {"port", 80}}}}})),
                        {"spec", "clusterIP"});
    ASSERT_FALSE(web_ip_.empty());
    cp_.Create("/api/v1/namespaces/default/services",
               Service("db", {{"clusterIP", "None"},
                              {"ports", json::array{{{"name", "pg"}, {"port", 5432}}}}}));
    cp_.Create("/api/v1/namespaces/default/services",
               Service("ext", {{"type", "ExternalName"}, {"externalName", "example.org"}}));
    cp_.Create("/apis/discovery.k8s.io/v1/namespaces/default/endpointslices",
               Slice("db-abcde", "db",
                     {Endpoint("10.244.1.10", true, "db-0"), Endpoint("10.244.1.11", true, "db-1"),
                      Endpoint("10.244.1.12", false, "db-2")},
                     {{{"name", "pg"}, {"protocol", "TCP"}, {"port", 5432}}}));
    json::array many;
    for (int i = 0; i < 100; ++i) {
      many.push_back(Endpoint("10.244.2." + std::to_string(i + 1), true));
    }
    cp_.Create("/api/v1/namespaces/default/services",
               Service("big", {{"clusterIP", "None"},
                               {"ports", json::array{{{"name", "http"}, {"port", 80}}}}}));
    cp_.Create("/apis/discovery.k8s.io/v1/namespaces/default/endpointslices",
               Slice("big-1", "big", many, {{{"name", "http"}, {"protocol", "TCP"}, {"port", 80}}}));

    ClusterDnsOptions o;
    o.listen = {"127.0.0.1:0"};
    o.upstreams = {upstream_.address()};
    dns_ = std::make_unique<ClusterDns>(cp_.client(), o);
    Status st = dns_->Start();
    ASSERT_TRUE(st.ok()) << st.ToString();
    port_ = dns_->ports()[0];
    ASSERT_TRUE(ControlPlane::WaitFor([&] {
      return Parse(testing::UdpExchange(port_, Query("big.default.svc.cluster.local", kTypeA)))
                 .a.size() > 10;
    }));
  }
  void TearDown() override {
    if (dns_) dns_->Stop();
  }

  Answer Udp(const std::string& name, uint16_t type) {
    return Parse(testing::UdpExchange(port_, Query(name, type)));
  }

  ControlPlane cp_;
  testing::FakeUpstream upstream_{0x5DB8D822};  // 93.184.216.34
  std::unique_ptr<ClusterDns> dns_;
  uint16_t port_ = 0;
  std::string web_ip_;
};

TEST_F(ClusterDnsTest, AnswersOverUdp) {
  Answer a = Udp("web.default.svc.cluster.local", kTypeA);
  EXPECT_EQ(a.rcode, kRcodeNoError);
  EXPECT_EQ(a.a, std::vector<std::string>{web_ip_});
  a = Udp("db.default.svc.cluster.local", kTypeA);
  std::sort(a.a.begin(), a.a.end());
  EXPECT_EQ(a.a, (std::vector<std::string>{"10.244.1.10", "10.244.1.11"}));
  EXPECT_EQ(Udp("db-1.db.default.svc.cluster.local", kTypeA).a,
            std::vector<std::string>{"10.244.1.11"});
  a = Udp("_pg._tcp.db.default.svc.cluster.local", kTypeSRV);
  EXPECT_EQ(a.records.size(), 2u);
  a = Udp("ext.default.svc.cluster.local", kTypeA);
  ASSERT_EQ(a.records.size(), 1u);
  EXPECT_EQ(std::get<NameData>(a.records[0].data).name, "example.org");
  EXPECT_EQ(Udp("nope.default.svc.cluster.local", kTypeA).rcode, kRcodeNxDomain);
  a = Udp("web.default.svc.cluster.local", kTypeAAAA);
  EXPECT_EQ(a.rcode, kRcodeNoError);
  EXPECT_TRUE(a.records.empty());
  // The API server's own service and its slice.
  EXPECT_EQ(Udp("kubernetes.default.svc.cluster.local", kTypeA).rcode, kRcodeNoError);
  // PTR for the cluster IP.
  uint32_t ip = *ParseIPv4(web_ip_);
  a = Udp(ReverseName(ip), kTypePTR);
  ASSERT_EQ(a.records.size(), 1u);
  EXPECT_EQ(std::get<NameData>(a.records[0].data).name, "web.default.svc.cluster.local");
  // Large headless answer: truncated over UDP.
  a = Udp("big.default.svc.cluster.local", kTypeA);
  EXPECT_TRUE(a.tc);
  EXPECT_LT(a.a.size(), 100u);
}

TEST_F(ClusterDnsTest, AnswersOverTcpWithSeveralQueriesPerConnection) {
  std::vector<std::string> replies = testing::TcpExchange(
      port_, {Query("big.default.svc.cluster.local", kTypeA, 1),
              Query("web.default.svc.cluster.local", kTypeA, 2),
              Query("_http._tcp.big.default.svc.cluster.local", kTypeSRV, 3),
              Query("nope.default.svc.cluster.local", kTypeA, 4)});
  ASSERT_EQ(replies.size(), 4u);
  Answer big = Parse(replies[0]);
  EXPECT_FALSE(big.tc);
  EXPECT_EQ(big.a.size(), 100u);
  EXPECT_EQ(Parse(replies[1]).a, std::vector<std::string>{web_ip_});
  EXPECT_EQ(Parse(replies[2]).records.size(), 100u);
  EXPECT_EQ(Parse(replies[3]).rcode, kRcodeNxDomain);
  // Garbage with a readable header is answered FORMERR and the connection goes on.
  replies = testing::TcpExchange(port_, {std::string("\x00\x01\x01\x00\x00\x05", 6),
                                         Query("web.default.svc.cluster.local", kTypeA, 5)});
  EXPECT_TRUE(replies.empty());  // shorter than a header: dropped, and the connection with it
  replies = testing::TcpExchange(port_, {std::string(12, '\0') + "\x05",
                                         Query("web.default.svc.cluster.local", kTypeA, 5)});
  ASSERT_EQ(replies.size(), 2u);
  EXPECT_EQ(Parse(replies[0]).rcode, kRcodeFormErr);
  EXPECT_EQ(Parse(replies[1]).a, std::vector<std::string>{web_ip_});
}

TEST_F(ClusterDnsTest, ForwardsOutsideNamesToUpstream) {
  Answer a = Udp("example.com", kTypeA);
  EXPECT_EQ(a.rcode, kRcodeNoError);
  EXPECT_EQ(a.a, std::vector<std::string>{"93.184.216.34"});
  EXPECT_GE(upstream_.queries(), 1);
  std::vector<std::string> tcp =
      testing::TcpExchange(port_, {Query("www.example.net", kTypeA, 77)});
  ASSERT_EQ(tcp.size(), 1u);
  EXPECT_EQ(Parse(tcp[0]).a, std::vector<std::string>{"93.184.216.34"});
  EXPECT_EQ(Decode(tcp[0])->header.id, 77);
}

TEST_F(ClusterDnsTest, FollowsApiChanges) {
  // An endpoint turns ready; a service is deleted.
  auto slice = cp_.MustGet("/apis/discovery.k8s.io/v1/namespaces/default/endpointslices/db-abcde");
  slice["endpoints"].as_array()[2].as_object()["conditions"].as_object()["ready"] = true;
  ASSERT_TRUE(cp_.client()
                  ->Update("/apis/discovery.k8s.io/v1/namespaces/default/endpointslices/db-abcde",
                           slice)
                  .ok());
  EXPECT_TRUE(ControlPlane::WaitFor(
      [&] { return Udp("db-2.db.default.svc.cluster.local", kTypeA).a.size() == 1; }));
  ASSERT_TRUE(cp_.client()->Delete("/api/v1/namespaces/default/services/web").ok());
  EXPECT_TRUE(ControlPlane::WaitFor(
      [&] { return Udp("web.default.svc.cluster.local", kTypeA).rcode == kRcodeNxDomain; }));
}

TEST_F(ClusterDnsTest, TakenPortIsAnError) {
  ClusterDnsOptions o;
  o.listen = {"127.0.0.1:" + std::to_string(port_)};
  ClusterDns second(cp_.client(), o);
  EXPECT_FALSE(second.Start().ok());
  ClusterDnsOptions bad;
  bad.listen = {"nonsense"};
  ClusterDns third(cp_.client(), bad);
  EXPECT_FALSE(third.Start().ok());
}

TEST_F(ClusterDnsTest, Dig) {
  if (Shell("command -v dig").empty()) GTEST_SKIP() << "dig is not installed";
  std::string at = "dig @127.0.0.1 -p " + std::to_string(port_) + " +time=2 +tries=1 ";
  EXPECT_EQ(Shell(at + "+short web.default.svc.cluster.local"), web_ip_ + "\n");
  EXPECT_EQ(Shell(at + "+short +tcp db-0.db.default.svc.cluster.local"), "10.244.1.10\n");
  std::string srv = Shell(at + "+short SRV _pg._tcp.db.default.svc.cluster.local");
  EXPECT_NE(srv.find("5432 db-0.db.default.svc.cluster.local."), std::string::npos) << srv;
  // dig retries a truncated UDP answer over TCP by itself: all 100 addresses arrive.
  std::string big = Shell(at + "+short +noedns big.default.svc.cluster.local");
  EXPECT_EQ(std::count(big.begin(), big.end(), '\n'), 100) << big;
  std::string nx = Shell(at + "nope.default.svc.cluster.local");
  EXPECT_NE(nx.find("status: NXDOMAIN"), std::string::npos) << nx;
  EXPECT_NE(nx.find("flags: qr aa rd"), std::string::npos) << nx;
  std::string ptr = Shell(at + "+short -x " + web_ip_);
  EXPECT_EQ(ptr, "web.default.svc.cluster.local.\n");
  EXPECT_EQ(Shell(at + "+short example.com"), "93.184.216.34\n");
}

}  // namespace
}  // namespace berth::dns
