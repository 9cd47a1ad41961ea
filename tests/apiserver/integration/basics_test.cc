// Integration: /version, health, authentication and discovery over real HTTPS.
#include <algorithm>

#include "integration_fixture.h"

namespace berth::apiserver::testing {
namespace {

class IntegrationBasics : public IntegrationTest {};

bool Contains(const json::value* arr, const std::string& s) {
  if (!arr || !arr->is_array()) return false;
  for (const auto& v : arr->as_array()) {
    if (v.is_string() && v.get_string() == s) return true;
  }
  return false;
}

const json::value* FindResource(const json::value& list, const std::string& field,
                                const std::string& name) {
  const json::value* rs = IntegrationTest::At(list, "resources");
  if (!rs || !rs->is_array()) return nullptr;
  for (const auto& r : rs->as_array()) {
    if (IntegrationTest::Str(r, field) == name) return &r;
  }
  return nullptr;
}

TEST_F(IntegrationBasics, VersionWithoutCredentials) {
  auto r = Anonymous().Get("/version");
  ASSERT_EQ(r.status, 200) << r.body << r.error;
  json::value v = r.Json();
  EXPECT_EQ(Str(v, "major"), "1");
  EXPECT_EQ(Str(v, "minor"), "32");
  EXPECT_EQ(Str(v, "gitVersion").rfind("v1.32.", 0), 0u) << r.body;
  EXPECT_NE(r.Header("content-type").find("application/json"), std::string::npos);
}

TEST_F(IntegrationBasics, HealthzWithoutCredentials) {
  for (const char* p : {"/healthz", "/livez", "/readyz"}) {
    auto r = Anonymous().Get(p);
    EXPECT_EQ(r.status, 200) << p << r.error;
    EXPECT_EQ(r.body, "ok") << p;
  }
}

TEST_F(IntegrationBasics, UnauthorizedWithoutOrWithWrongToken) {
  auto none = Anonymous().Get("/api/v1/pods");
  EXPECT_TRUE(IsStatus(none, 401, "Unauthorized"));
  EXPECT_EQ(Str(none.Json(), "message"), "Unauthorized");

  HttpsClient wrong("127.0.0.1", server_->port(), token_ + "x");
  EXPECT_TRUE(IsStatus(wrong.Get("/api/v1/pods"), 401, "Unauthorized"));
  HttpsClient garbage("127.0.0.1", server_->port(), "");
  EXPECT_TRUE(IsStatus(garbage.Do("GET", "/api/v1/pods", "", "",
                                  {{"Authorization", "Basic YWRtaW46YWRtaW4="}}),
                       401, "Unauthorized"));
  // The admin token works.
  EXPECT_EQ(Client().Get("/api/v1/pods").status, 200);
}

TEST_F(IntegrationBasics, UnknownPathIs404Status) {
  EXPECT_TRUE(IsStatus(Client().Get("/no/such/thing"), 404, "NotFound"));
  EXPECT_TRUE(IsStatus(Client().Get("/api/v1/nosuchresources"), 404, "NotFound"));
  EXPECT_TRUE(IsStatus(Client().Get("/apis/nosuch.group/v1/things"), 404, "NotFound"));
}

TEST_F(IntegrationBasics, LegacyDiscovery) {
  auto api = Client().Get("/api");
  ASSERT_EQ(api.status, 200);
  EXPECT_EQ(Str(api.Json(), "kind"), "APIVersions");
  EXPECT_TRUE(Contains(At(api.Json(), "versions"), "v1")) << api.body;

  auto apis = Client().Get("/apis");
  ASSERT_EQ(apis.status, 200);
  json::value groups = apis.Json();
  EXPECT_EQ(Str(groups, "kind"), "APIGroupList");
  bool apps = false;
  for (const auto& g : At(groups, "groups")->as_array()) {
    if (Str(g, "name") == "apps") {
      apps = true;
      EXPECT_EQ(Str(g, "preferredVersion.groupVersion"), "apps/v1");
    }
  }
  EXPECT_TRUE(apps) << apis.body;

  auto v1 = Client().Get("/api/v1");
  ASSERT_EQ(v1.status, 200);
  json::value core = v1.Json();
  EXPECT_EQ(Str(core, "kind"), "APIResourceList");
  EXPECT_EQ(Str(core, "groupVersion"), "v1");
  const json::value* pods = FindResource(core, "name", "pods");
  ASSERT_NE(pods, nullptr) << v1.body;
  EXPECT_EQ(Str(*pods, "kind"), "Pod");
  EXPECT_TRUE(At(*pods, "namespaced")->as_bool());
  EXPECT_TRUE(Contains(At(*pods, "shortNames"), "po"));
  EXPECT_TRUE(Contains(At(*pods, "categories"), "all"));
  for (const char* verb :
       {"create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"}) {
    EXPECT_TRUE(Contains(At(*pods, "verbs"), verb)) << verb;
  }
  EXPECT_NE(FindResource(core, "name", "pods/status"), nullptr);
  const json::value* cms = FindResource(core, "name", "configmaps");
  ASSERT_NE(cms, nullptr);
  EXPECT_TRUE(Contains(At(*cms, "shortNames"), "cm"));
  const json::value* ns = FindResource(core, "name", "namespaces");
  ASSERT_NE(ns, nullptr);
  EXPECT_FALSE(At(*ns, "namespaced")->as_bool());
  EXPECT_TRUE(Contains(At(*ns, "shortNames"), "ns"));

  auto appsv1 = Client().Get("/apis/apps/v1");
  ASSERT_EQ(appsv1.status, 200);
  json::value al = appsv1.Json();
  EXPECT_EQ(Str(al, "groupVersion"), "apps/v1");
  const json::value* deploy = FindResource(al, "name", "deployments");
  ASSERT_NE(deploy, nullptr) << appsv1.body;
  EXPECT_TRUE(Contains(At(*deploy, "shortNames"), "deploy"));
  EXPECT_TRUE(Contains(At(*deploy, "categories"), "all"));
  EXPECT_TRUE(Contains(At(*deploy, "verbs"), "watch"));
  const json::value* scale = FindResource(al, "name", "deployments/scale");
  ASSERT_NE(scale, nullptr);
  EXPECT_EQ(Str(*scale, "group"), "autoscaling");
  EXPECT_EQ(Str(*scale, "kind"), "Scale");

  auto group = Client().Get("/apis/apps");
  ASSERT_EQ(group.status, 200);
  EXPECT_EQ(Str(group.Json(), "kind"), "APIGroup");
}

TEST_F(IntegrationBasics, AggregatedDiscovery) {
  const std::string want = "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList";
  // kubectl 1.32 asks like this.
  Headers accept = {{"Accept",
                     "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,"
                     "application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,"
                     "application/json"}};
  auto apis = Client().Get("/apis", accept);
  ASSERT_EQ(apis.status, 200);
  EXPECT_EQ(apis.Header("content-type"), want);
  json::value v = apis.Json();
  EXPECT_EQ(Str(v, "kind"), "APIGroupDiscoveryList");
  EXPECT_EQ(Str(v, "apiVersion"), "apidiscovery.k8s.io/v2");
  const json::value* deploy = nullptr;
  for (const auto& g : At(v, "items")->as_array()) {
    if (Str(g, "metadata.name") != "apps") continue;
    for (const auto& ver : At(g, "versions")->as_array()) {
      for (const auto& r : At(ver, "resources")->as_array()) {
        if (Str(r, "resource") == "deployments") deploy = &r;
      }
    }
  }
  ASSERT_NE(deploy, nullptr) << apis.body.substr(0, 2000);
  EXPECT_EQ(Str(*deploy, "scope"), "Namespaced");
  EXPECT_EQ(Str(*deploy, "responseKind.kind"), "Deployment");
  EXPECT_TRUE(Contains(At(*deploy, "shortNames"), "deploy"));
  EXPECT_TRUE(Contains(At(*deploy, "categories"), "all"));

  auto api = Client().Get("/api", accept);
  ASSERT_EQ(api.status, 200);
  EXPECT_EQ(api.Header("content-type"), want);
  json::value core = api.Json();
  ASSERT_EQ(At(core, "items")->as_array().size(), 1u);
  EXPECT_EQ(Str(core, "items.0.metadata.name"), "");
  EXPECT_EQ(Str(core, "items.0.versions.0.version"), "v1");

  // Plain JSON when not asked.
  auto plain = Client().Get("/apis");
  EXPECT_EQ(Str(plain.Json(), "kind"), "APIGroupList");
  EXPECT_EQ(plain.Header("content-type").find("apidiscovery"), std::string::npos);
}

}  // namespace
}  // namespace berth::apiserver::testing
