// Proxy targets: id parsing, pod and service resolution, refused addresses, upstream paths.
#include "apiserver/proxy/proxy_target.h"

#include <gtest/gtest.h>

namespace berth::apiserver::proxy {
namespace {

json::object Pod(const std::string& ip) {
  json::array ports{json::object{{"name", "web"}, {"containerPort", 8080}},
                    json::object{{"name", "alt"}, {"containerPort", 9090}}};
  json::array containers{json::object{{"name", "a"}}, json::object{{"name", "b"}, {"ports", ports}}};
  return json::object{{"spec", json::object{{"containers", containers}}},
                      {"status", json::object{{"podIP", ip}}}};
}

TEST(ProxyTargetTest, SplitsSchemeNamePort) {
  auto a = SplitSchemeNamePort("web");
  ASSERT_TRUE(a);
  EXPECT_EQ(a->name, "web");
  EXPECT_EQ(a->port, "");
  auto b = SplitSchemeNamePort("web:8080");
  ASSERT_TRUE(b);
  EXPECT_EQ(b->port, "8080");
  auto c = SplitSchemeNamePort("https:web:tls");
  ASSERT_TRUE(c);
  EXPECT_EQ(c->scheme, "https");
  EXPECT_EQ(c->name, "web");
  EXPECT_EQ(c->port, "tls");
  EXPECT_FALSE(SplitSchemeNamePort("ftp:web:21"));
  EXPECT_FALSE(SplitSchemeNamePort(":80"));
  EXPECT_FALSE(SplitSchemeNamePort("a:b:c:d"));
}

TEST(ProxyTargetTest, PodPortNumberNameOrFirstDeclared) {
  json::object pod = Pod("10.1.0.5");
  auto t = PodTarget(pod, *SplitSchemeNamePort("p:1234"));
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  EXPECT_EQ(t->host, "10.1.0.5");
  EXPECT_EQ(t->port, 1234);
  EXPECT_EQ(t->scheme, "http");
  t = PodTarget(pod, *SplitSchemeNamePort("p"));
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t->port, 8080);  // the first declared container port
  t = PodTarget(pod, *SplitSchemeNamePort("p:alt"));
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t->port, 9090);
  EXPECT_EQ(PodTarget(pod, *SplitSchemeNamePort("p:nosuch")).status().reason(), Reason::kBadRequest);
  EXPECT_EQ(PodTarget(pod, *SplitSchemeNamePort("p:70000")).status().reason(), Reason::kBadRequest);
  json::object bare{{"status", json::object{{"podIP", "10.1.0.6"}}}};
  t = PodTarget(bare, *SplitSchemeNamePort("p"));
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t->port, 80);
}

TEST(ProxyTargetTest, RefusesAddressesThatMayNotBeProxied) {
  for (const char* ip : {"", "127.0.0.1", "127.9.9.9", "169.254.169.254", "0.0.0.0", "::1", "fe80::1", "::", "junk"}) {
    EXPECT_EQ(PodTarget(Pod(ip), *SplitSchemeNamePort("p:80")).status().reason(), Reason::kBadRequest) << ip;
  }
  EXPECT_TRUE(CheckProxyableIp("10.0.0.1").ok());
  EXPECT_TRUE(CheckProxyableIp("fd00::1").ok());
}

json::object Service() {
  return json::object{{"spec", json::object{{"ports", json::array{
                                                          json::object{{"name", "http"}, {"port", 80}},
                                                          json::object{{"name", "admin"}, {"port", 81}}}}}}};
}

json::object Endpoints() {
  return json::object{{"subsets", json::array{json::object{
                                      {"addresses", json::array{json::object{{"ip", "10.2.0.1"}},
                                                                json::object{{"ip", "10.2.0.2"}}}},
                                      {"ports", json::array{json::object{{"name", "http"}, {"port", 8080}},
                                                            json::object{{"name", "admin"}, {"port", 9000}}}}}}}};
}

TEST(ProxyTargetTest, ServicePortByNameOrNumberPicksAnEndpoint) {
  json::object svc = Service(), eps = Endpoints();
  auto t = ServiceTarget(svc, &eps, *SplitSchemeNamePort("s:http"), 0);
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  EXPECT_EQ(t->host, "10.2.0.1");
  EXPECT_EQ(t->port, 8080);
  t = ServiceTarget(svc, &eps, *SplitSchemeNamePort("s:81"), 1);
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t->host, "10.2.0.2");
  EXPECT_EQ(t->port, 9000);
  EXPECT_EQ(ServiceTarget(svc, &eps, *SplitSchemeNamePort("s:82"), 0).status().reason(),
            Reason::kServiceUnavailable);
  EXPECT_EQ(ServiceTarget(svc, nullptr, *SplitSchemeNamePort("s:http"), 0).status().reason(),
            Reason::kServiceUnavailable);
  // Two ports and none named: no unnamed endpoint port matches.
  EXPECT_EQ(ServiceTarget(svc, &eps, *SplitSchemeNamePort("s"), 0).status().reason(),
            Reason::kServiceUnavailable);
}

TEST(ProxyTargetTest, SinglePortServiceNeedsNoPort) {
  json::object svc{{"spec", json::object{{"ports", json::array{json::object{{"port", 80}}}}}}};
  json::object eps{{"subsets", json::array{json::object{{"addresses", json::array{json::object{{"ip", "10.3.0.1"}}}},
                                                        {"ports", json::array{json::object{{"port", 8080}}}}}}}};
  auto t = ServiceTarget(svc, &eps, *SplitSchemeNamePort("s"), 5);
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  EXPECT_EQ(t->host, "10.3.0.1");
  EXPECT_EQ(t->port, 8080);
}

TEST(ProxyTargetTest, UpstreamTargetKeepsRawPathAndQuery) {
  EXPECT_EQ(UpstreamTarget("/api/v1/namespaces/ns/pods/p:80/proxy"), "/");
  EXPECT_EQ(UpstreamTarget("/api/v1/namespaces/ns/pods/p:80/proxy/"), "/");
  EXPECT_EQ(UpstreamTarget("/api/v1/namespaces/ns/pods/p/proxy?method=GET"), "/?method=GET");
  EXPECT_EQ(UpstreamTarget("/api/v1/namespaces/ns/services/s:http/proxy/a/b%20c/?x=1&y=2"), "/a/b%20c/?x=1&y=2");
}

}  // namespace
}  // namespace berth::apiserver::proxy
