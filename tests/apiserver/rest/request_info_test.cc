#include "apiserver/rest/request_info.h"

#include <gtest/gtest.h>

namespace berth::apiserver {
namespace {

RequestInfo Parse(const std::string& method, const std::string& target) {
  Request r;
  r.method = method;
  r.target = target;
  ParseTarget(target, &r.path, &r.query);
  return ParseRequestInfo(r);
}

TEST(RequestInfo, NamespacedObject) {
  RequestInfo i = Parse("GET", "/apis/apps/v1/namespaces/default/deployments/web");
  EXPECT_TRUE(i.is_resource);
  EXPECT_EQ(i.group, "apps");
  EXPECT_EQ(i.version, "v1");
  EXPECT_EQ(i.namespace_, "default");
  EXPECT_EQ(i.resource, "deployments");
  EXPECT_EQ(i.name, "web");
  EXPECT_EQ(i.verb, "get");
}

TEST(RequestInfo, Subresource) {
  RequestInfo i = Parse("PATCH", "/apis/apps/v1/namespaces/default/deployments/web/scale");
  EXPECT_EQ(i.subresource, "scale");
  EXPECT_EQ(i.verb, "patch");
}

TEST(RequestInfo, ListAndWatchVerbs) {
  EXPECT_EQ(Parse("GET", "/api/v1/pods").verb, "list");
  EXPECT_EQ(Parse("GET", "/api/v1/pods?watch=true").verb, "watch");
  EXPECT_EQ(Parse("GET", "/api/v1/pods?watch=1").verb, "watch");
  EXPECT_EQ(Parse("GET", "/api/v1/watch/namespaces/a/pods").verb, "watch");
  EXPECT_EQ(Parse("DELETE", "/api/v1/namespaces/a/pods").verb, "deletecollection");
  EXPECT_EQ(Parse("DELETE", "/api/v1/namespaces/a/pods/x").verb, "delete");
  EXPECT_EQ(Parse("POST", "/api/v1/namespaces/a/pods").verb, "create");
  EXPECT_EQ(Parse("PUT", "/api/v1/namespaces/a/pods/x").verb, "update");
}

TEST(RequestInfo, NamespacesAreClusterScopedObjects) {
  RequestInfo i = Parse("GET", "/api/v1/namespaces/kube-system");
  EXPECT_EQ(i.resource, "namespaces");
  EXPECT_EQ(i.name, "kube-system");
  EXPECT_EQ(i.namespace_, "");
  RequestInfo s = Parse("PUT", "/api/v1/namespaces/kube-system/status");
  EXPECT_EQ(s.resource, "namespaces");
  EXPECT_EQ(s.name, "kube-system");
  EXPECT_EQ(s.subresource, "status");
  RequestInfo l = Parse("GET", "/api/v1/namespaces");
  EXPECT_EQ(l.verb, "list");
  EXPECT_EQ(l.name, "");
}

TEST(RequestInfo, DiscoveryPathsAreNotResources) {
  EXPECT_FALSE(Parse("GET", "/api").is_resource);
  EXPECT_FALSE(Parse("GET", "/api/v1").is_resource);
  EXPECT_FALSE(Parse("GET", "/apis/apps").is_resource);
  EXPECT_FALSE(Parse("GET", "/apis/apps/v1").is_resource);
  EXPECT_FALSE(Parse("GET", "/version").is_resource);
}

TEST(RequestInfo, QueryDecoding) {
  Request r;
  ParseTarget("/api/v1/pods?labelSelector=app%3Dweb%2Ctier+in+%28a%29&limit=5&x", &r.path, &r.query);
  EXPECT_EQ(r.path, "/api/v1/pods");
  EXPECT_EQ(r.Query("labelSelector").value(), "app=web,tier in (a)");
  EXPECT_EQ(r.Query("limit").value(), "5");
  EXPECT_EQ(r.Query("x").value(), "");
  EXPECT_FALSE(r.Query("y").has_value());
}

TEST(RequestInfo, PercentDecodeKeepsMalformedEscapes) {
  EXPECT_EQ(PercentDecode("a%2", false), "a%2");
  EXPECT_EQ(PercentDecode("a%zz", false), "a%zz");
  EXPECT_EQ(PercentDecode("a+b", false), "a+b");
  EXPECT_EQ(PercentDecode("a+b", true), "a b");
}

}  // namespace
}  // namespace berth::apiserver
