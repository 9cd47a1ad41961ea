#include "apiserver/auth/authz.h"

#include <gtest/gtest.h>

namespace berth::apiserver::auth {
namespace {

Attributes GetPod() {
  Attributes a;
  a.verb = "get";
  a.api_version = "v1";
  a.resource = "pods";
  a.namespace_ = "default";
  a.name = "web";
  a.path = "/api/v1/namespaces/default/pods/web";
  return a;
}

TEST(AlwaysAllowForMastersTest, MastersMayDoAnything) {
  AlwaysAllowForMastersAuthorizer authz;
  UserInfo admin{"admin", {"system:masters", "system:authenticated"}};
  EXPECT_TRUE(authz.Authorize(admin, GetPod()).allowed);
  Attributes healthz;
  healthz.verb = "get";
  healthz.resource_request = false;
  healthz.path = "/healthz";
  EXPECT_TRUE(authz.Authorize(admin, healthz).allowed);
  // Group membership, not the name, is what counts.
  EXPECT_TRUE(authz.Authorize({"someone", {"system:masters"}}, GetPod()).allowed);
}

TEST(AlwaysAllowForMastersTest, OthersAreDeniedWithAReason) {
  AlwaysAllowForMastersAuthorizer authz;
  Decision d = authz.Authorize({"admin", {"system:authenticated"}}, GetPod());
  EXPECT_FALSE(d.allowed);
  EXPECT_NE(d.reason.find("system:masters"), std::string::npos);
  EXPECT_FALSE(authz.Authorize({"bob", {"system:nodes"}}, GetPod()).allowed);
  EXPECT_FALSE(authz.Authorize({"", {}}, GetPod()).allowed);
}

TEST(ForbiddenStatusTest, NamespacedResourceWording) {
  Status s = ForbiddenStatus({"bob", {}}, GetPod(), {false, "no policy"});
  EXPECT_EQ(s.reason(), Reason::kForbidden);
  EXPECT_EQ(s.code(), 403);
  EXPECT_EQ(s.message(),
            "pods \"web\" is forbidden: User \"bob\" cannot get resource \"pods\" in API group "
            "\"\" in the namespace \"default\": no policy");
  EXPECT_EQ(s.details().name, "web");
  EXPECT_EQ(s.details().kind, "pods");
  EXPECT_EQ(s.details().group, "");
}

TEST(ForbiddenStatusTest, ClusterScopedGroupedListAndSubresource) {
  Attributes list;
  list.verb = "list";
  list.api_group = "apps";
  list.resource = "deployments";
  list.path = "/apis/apps/v1/deployments";
  EXPECT_EQ(ForbiddenStatus({"bob", {}}, list, {}).message(),
            "deployments.apps is forbidden: User \"bob\" cannot list resource \"deployments\" in "
            "API group \"apps\" at the cluster scope");

  Attributes scale = GetPod();
  scale.verb = "update";
  scale.api_group = "apps";
  scale.resource = "deployments";
  scale.subresource = "scale";
  Status s = ForbiddenStatus({"bob", {}}, scale, {});
  EXPECT_EQ(s.message(),
            "deployments.apps \"web\" is forbidden: User \"bob\" cannot update resource "
            "\"deployments/scale\" in API group \"apps\" in the namespace \"default\"");
  EXPECT_EQ(s.details().group, "apps");
}

TEST(ForbiddenStatusTest, NonResourcePath) {
  Attributes metrics;
  metrics.verb = "get";
  metrics.resource_request = false;
  metrics.path = "/metrics";
  EXPECT_EQ(ForbiddenStatus({"bob", {}}, metrics, {}).message(),
            "forbidden: User \"bob\" cannot get path \"/metrics\"");
}

}  // namespace
}  // namespace berth::apiserver::auth
