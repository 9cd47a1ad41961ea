#include "api/openapi/openapi.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <functional>
#include <set>
#include <thread>

#include "test_registry.h"

namespace berth::api::openapi {
namespace {

using ::testing::ElementsAre;
using ::testing::UnorderedElementsAre;
using testing::MakeTestRegistry;

json::value Doc(const Registry& r, const std::string& group, const std::string& version) {
  std::string text = GroupVersionDocument(r, group, version);
  EXPECT_FALSE(text.empty());
  return json::parse(text);
}

const json::object& Obj(const json::value& v, std::initializer_list<std::string> path) {
  const json::value* cur = &v;
  for (const auto& p : path) {
    const json::object* o = cur->if_object();
    if (o == nullptr || !o->contains(p)) {
      ADD_FAILURE() << "missing " << p;
      static const json::object empty;
      return empty;
    }
    cur = &o->at(p);
  }
  return cur->as_object();
}

std::set<std::string> ParamNames(const json::object& op, const std::string& in) {
  std::set<std::string> out;
  if (!op.contains("parameters")) return out;
  for (const auto& p : op.at("parameters").as_array()) {
    if (p.at("in").as_string() == in) out.insert(std::string(p.at("name").as_string()));
  }
  return out;
}

std::string Ref(const json::value& v) {
  const auto& o = v.as_object();
  if (o.contains("$ref")) return std::string(o.at("$ref").as_string());
  if (o.contains("allOf")) return std::string(o.at("allOf").as_array()[0].at("$ref").as_string());
  return "";
}

void CollectRefs(const json::value& v, std::vector<std::string>& out) {
  if (const auto* o = v.if_object()) {
    for (const auto& kv : *o) {
      if (kv.key() == "$ref" && kv.value().is_string()) {
        out.emplace_back(kv.value().as_string());
      } else {
        CollectRefs(kv.value(), out);
      }
    }
  } else if (const auto* a = v.if_array()) {
    for (const auto& x : *a) CollectRefs(x, out);
  }
}

// Every $ref points at an existing components.schemas entry; returns the number checked.
size_t ExpectRefsResolve(const json::value& doc) {
  std::vector<std::string> refs;
  CollectRefs(doc, refs);
  const auto& schemas = doc.at("components").at("schemas").as_object();
  for (const auto& r : refs) {
    const std::string prefix = "#/components/schemas/";
    EXPECT_EQ(r.rfind(prefix, 0), 0u) << r;
    EXPECT_TRUE(schemas.contains(r.substr(prefix.size()))) << "dangling " << r;
  }
  return refs.size();
}

TEST(OpenApiRoot, ListsEveryGroupVersionWithItsHash) {
  Registry r = MakeTestRegistry();
  json::value root = Root(r);
  const auto& paths = root.at("paths").as_object();
  ASSERT_EQ(paths.size(), 2u);
  for (const auto& [key, group] : {std::pair<std::string, std::string>{"api/v1", ""},
                                   {"apis/apps/v1", "apps"}}) {
    ASSERT_TRUE(paths.contains(key)) << key;
    std::string url(paths.at(key).at("serverRelativeURL").as_string());
    std::string hash = GroupVersionHash(r, group, "v1");
    EXPECT_EQ(hash.size(), 128u);
    EXPECT_EQ(hash.find_first_not_of("0123456789ABCDEF"), std::string::npos) << hash;
    EXPECT_EQ(url, "/openapi/v3/" + key + "?hash=" + hash);
    EXPECT_EQ(hash, Sha512Hex(GroupVersionDocument(r, group, "v1")));
  }
  EXPECT_EQ(GroupVersionKey("", "v1"), "api/v1");
  EXPECT_EQ(GroupVersionKey("batch", "v1"), "apis/batch/v1");
}

TEST(OpenApiDocument, UnknownGroupVersionIsEmpty) {
  Registry r = MakeTestRegistry();
  EXPECT_EQ(GroupVersionDocument(r, "batch", "v1"), "");
  EXPECT_EQ(GroupVersionHash(r, "apps", "v2"), "");
  EXPECT_TRUE(BuildGroupVersionDocument(r, "nope", "v1").is_null());
}

TEST(OpenApiDocument, HeaderAndNamespacedPaths) {
  Registry r = MakeTestRegistry();
  json::value doc = Doc(r, "apps", "v1");
  EXPECT_EQ(doc.at("openapi").as_string(), "3.0.0");
  EXPECT_TRUE(doc.at("info").as_object().contains("title"));
  const auto& paths = doc.at("paths").as_object();

  const auto& coll = Obj(doc, {"paths", "/apis/apps/v1/namespaces/{namespace}/deployments"});
  EXPECT_EQ(coll.at("get").at("x-kubernetes-action").as_string(), "list");
  EXPECT_EQ(coll.at("post").at("x-kubernetes-action").as_string(), "post");
  EXPECT_EQ(coll.at("delete").at("x-kubernetes-action").as_string(), "deletecollection");
  EXPECT_EQ(ParamNames(coll, "path"), std::set<std::string>{"namespace"});
  EXPECT_TRUE(ParamNames(coll.at("post").as_object(), "query").count("fieldValidation"));
  EXPECT_TRUE(ParamNames(coll.at("get").as_object(), "query").count("labelSelector"));
  EXPECT_EQ(Ref(coll.at("post").at("requestBody").at("content").at("*/*").at("schema")),
            "#/components/schemas/io.k8s.api.apps.v1.Deployment");
  EXPECT_EQ(Ref(coll.at("get").at("responses").at("200").at("content").at("application/json")
                    .at("schema")),
            "#/components/schemas/io.k8s.api.apps.v1.DeploymentList");

  const auto& item =
      Obj(doc, {"paths", "/apis/apps/v1/namespaces/{namespace}/deployments/{name}"});
  for (const auto& [method, action] : {std::pair<std::string, std::string>{"get", "get"},
                                       {"put", "put"},
                                       {"patch", "patch"},
                                       {"delete", "delete"}}) {
    ASSERT_TRUE(item.contains(method)) << method;
    EXPECT_EQ(item.at(method).at("x-kubernetes-action").as_string(), action);
  }
  EXPECT_EQ(ParamNames(item, "path"), (std::set<std::string>{"name", "namespace"}));
  EXPECT_EQ(item.at("get").at("operationId").as_string(), "readAppsV1NamespacedDeployment");

  const auto& all = Obj(doc, {"paths", "/apis/apps/v1/deployments"});
  EXPECT_EQ(all.at("get").at("x-kubernetes-action").as_string(), "list");
  EXPECT_FALSE(all.contains("post"));

  EXPECT_TRUE(paths.contains("/apis/apps/v1/watch/namespaces/{namespace}/deployments"));
  EXPECT_EQ(Obj(doc, {"paths", "/apis/apps/v1/watch/namespaces/{namespace}/deployments/{name}",
                      "get"})
                .at("x-kubernetes-action")
                .as_string(),
            "watch");
  // Nothing from other group-versions leaks in.
  for (const auto& kv : paths) EXPECT_EQ(kv.key().substr(0, 13), "/apis/apps/v1") << kv.key();
}

TEST(OpenApiDocument, PatchAdvertisesFieldValidationAndPatchTypes) {
  Registry r = MakeTestRegistry();
  json::value doc = Doc(r, "apps", "v1");
  const auto& patch =
      Obj(doc, {"paths", "/apis/apps/v1/namespaces/{namespace}/deployments/{name}", "patch"});
  EXPECT_EQ(ParamNames(patch, "query"),
            (std::set<std::string>{"dryRun", "fieldManager", "fieldValidation", "force"}));
  const auto& gvk = patch.at("x-kubernetes-group-version-kind").as_object();
  EXPECT_EQ(gvk.at("group").as_string(), "apps");
  EXPECT_EQ(gvk.at("version").as_string(), "v1");
  EXPECT_EQ(gvk.at("kind").as_string(), "Deployment");
  std::set<std::string> types;
  for (const auto& kv : patch.at("requestBody").at("content").as_object()) {
    types.insert(std::string(kv.key()));
    EXPECT_EQ(Ref(kv.value().at("schema")),
              "#/components/schemas/io.k8s.apimachinery.pkg.apis.meta.v1.Patch");
  }
  EXPECT_EQ(types, (std::set<std::string>{
                       "application/apply-patch+yaml", "application/json-patch+json",
                       "application/merge-patch+json", "application/strategic-merge-patch+json"}));
  // PUT has fieldValidation but no force.
  const auto& put =
      Obj(doc, {"paths", "/apis/apps/v1/namespaces/{namespace}/deployments/{name}", "put"});
  EXPECT_TRUE(ParamNames(put, "query").count("fieldValidation"));
  EXPECT_FALSE(ParamNames(put, "query").count("force"));
}

TEST(OpenApiDocument, StatusAndScaleSubresources) {
  Registry r = MakeTestRegistry();
  json::value doc = Doc(r, "apps", "v1");
  const auto& status =
      Obj(doc, {"paths", "/apis/apps/v1/namespaces/{namespace}/deployments/{name}/status"});
  EXPECT_EQ(status.at("patch").at("x-kubernetes-group-version-kind").at("kind").as_string(),
            "Deployment");
  EXPECT_TRUE(ParamNames(status.at("patch").as_object(), "query").count("fieldValidation"));
  EXPECT_EQ(status.at("get").at("operationId").as_string(),
            "readAppsV1NamespacedDeploymentStatus");
  const auto& scale =
      Obj(doc, {"paths", "/apis/apps/v1/namespaces/{namespace}/deployments/{name}/scale"});
  const auto& sgvk = scale.at("put").at("x-kubernetes-group-version-kind").as_object();
  EXPECT_EQ(sgvk.at("group").as_string(), "autoscaling");
  EXPECT_EQ(sgvk.at("kind").as_string(), "Scale");
  EXPECT_EQ(Ref(scale.at("get").at("responses").at("200").at("content").at("application/json")
                    .at("schema")),
            "#/components/schemas/io.k8s.api.autoscaling.v1.Scale");
  // Pods have status but no scale.
  json::value core = Doc(r, "", "v1");
  EXPECT_TRUE(core.at("paths").as_object().contains(
      "/api/v1/namespaces/{namespace}/pods/{name}/status"));
  EXPECT_FALSE(core.at("paths").as_object().contains(
      "/api/v1/namespaces/{namespace}/pods/{name}/scale"));
}

TEST(OpenApiDocument, ClusterScopedPathsAndVerbs) {
  Registry r = MakeTestRegistry();
  json::value doc = Doc(r, "", "v1");
  const auto& coll = Obj(doc, {"paths", "/api/v1/namespaces"});
  EXPECT_TRUE(coll.contains("get"));
  EXPECT_TRUE(coll.contains("post"));
  EXPECT_FALSE(coll.contains("delete"));  // no deletecollection verb
  EXPECT_EQ(coll.at("post").at("operationId").as_string(), "createCoreV1Namespace");
  const auto& item = Obj(doc, {"paths", "/api/v1/namespaces/{name}"});
  EXPECT_EQ(ParamNames(item, "path"), std::set<std::string>{"name"});
  EXPECT_TRUE(doc.at("paths").as_object().contains("/api/v1/watch/namespaces/{name}"));
  // Pods are listed across namespaces at /api/v1/pods.
  EXPECT_EQ(Obj(doc, {"paths", "/api/v1/pods", "get"}).at("operationId").as_string(),
            "listCoreV1PodForAllNamespaces");
}

TEST(OpenApiDocument, EveryRefResolves) {
  Registry r = MakeTestRegistry();
  EXPECT_GT(ExpectRefsResolve(Doc(r, "apps", "v1")), 20u);
  EXPECT_GT(ExpectRefsResolve(Doc(r, "", "v1")), 20u);
}

TEST(OpenApiComponents, KindsCarryGvkAndListKinds) {
  Registry r = MakeTestRegistry();
  json::value doc = Doc(r, "apps", "v1");
  const auto& dep = Obj(doc, {"components", "schemas", "io.k8s.api.apps.v1.Deployment"});
  const auto& gvk = dep.at("x-kubernetes-group-version-kind").as_array();
  ASSERT_EQ(gvk.size(), 1u);
  EXPECT_EQ(gvk[0].at("group").as_string(), "apps");
  EXPECT_EQ(gvk[0].at("kind").as_string(), "Deployment");
  EXPECT_EQ(gvk[0].at("version").as_string(), "v1");
  EXPECT_EQ(dep.at("type").as_string(), "object");
  EXPECT_EQ(Ref(dep.at("properties").at("spec")),
            "#/components/schemas/io.k8s.api.apps.v1.DeploymentSpec");

  const auto& list = Obj(doc, {"components", "schemas", "io.k8s.api.apps.v1.DeploymentList"});
  EXPECT_EQ(list.at("x-kubernetes-group-version-kind").at(0).at("kind").as_string(),
            "DeploymentList");
  EXPECT_EQ(Ref(list.at("properties").at("items").at("items")),
            "#/components/schemas/io.k8s.api.apps.v1.Deployment");
  EXPECT_THAT(list.at("required").as_array(), ElementsAre(json::value("items")));
  // Shared meta types are present.
  const auto& schemas = doc.at("components").at("schemas").as_object();
  for (const char* name : {"Status", "DeleteOptions", "ListMeta", "Patch", "WatchEvent",
                           "ObjectMeta"}) {
    EXPECT_TRUE(schemas.contains(std::string("io.k8s.apimachinery.pkg.apis.meta.v1.") + name))
        << name;
  }
  EXPECT_EQ(Obj(doc, {"components", "schemas", "io.k8s.apimachinery.pkg.apis.meta.v1.Status"})
                .at("x-kubernetes-group-version-kind")
                .at(0)
                .at("kind")
                .as_string(),
            "Status");
}

TEST(OpenApiComponents, FieldShapes) {
  Registry r = MakeTestRegistry();
  json::value doc = Doc(r, "apps", "v1");
  auto schema = [&](const std::string& name) -> const json::object& {
    return Obj(doc, {"components", "schemas", name});
  };
  // Named types are referenced through allOf with the field's description.
  const auto& spec_props = schema("io.k8s.api.apps.v1.DeploymentSpec").at("properties");
  const auto& strategy = spec_props.at("strategy").as_object();
  EXPECT_EQ(strategy.at("allOf").at(0).at("$ref").as_string(),
            "#/components/schemas/io.k8s.api.apps.v1.DeploymentStrategy");
  EXPECT_EQ(strategy.at("description").as_string(), "The deployment strategy.");
  EXPECT_EQ(strategy.at("x-kubernetes-patch-strategy").as_string(), "retainKeys");
  EXPECT_EQ(spec_props.at("replicas").at("type").as_string(), "integer");
  EXPECT_EQ(spec_props.at("replicas").at("format").as_string(), "int32");
  EXPECT_THAT(schema("io.k8s.api.apps.v1.DeploymentSpec").at("required").as_array(),
              ElementsAre(json::value("template")));

  // Enum, int-or-string.
  const auto& st = schema("io.k8s.api.apps.v1.DeploymentStrategy").at("properties");
  EXPECT_THAT(st.at("type").at("enum").as_array(),
              ElementsAre(json::value("Recreate"), json::value("RollingUpdate")));
  const auto& ru = schema("io.k8s.api.apps.v1.RollingUpdateDeployment").at("properties");
  EXPECT_EQ(Ref(ru.at("maxSurge")),
            "#/components/schemas/io.k8s.apimachinery.pkg.util.intstr.IntOrString");
  const auto& ios = schema("io.k8s.apimachinery.pkg.util.intstr.IntOrString");
  EXPECT_EQ(ios.at("format").as_string(), "int-or-string");
  EXPECT_EQ(ios.at("x-kubernetes-int-or-string").as_bool(), true);

  // List-map, set, atomic; quantity map; preserve-unknown-fields.
  const auto& pod = schema("io.k8s.api.core.v1.PodSpec").at("properties");
  const auto& containers = pod.at("containers").as_object();
  EXPECT_EQ(containers.at("type").as_string(), "array");
  EXPECT_EQ(containers.at("x-kubernetes-list-type").as_string(), "map");
  EXPECT_THAT(containers.at("x-kubernetes-list-map-keys").as_array(),
              ElementsAre(json::value("name")));
  EXPECT_EQ(containers.at("x-kubernetes-patch-merge-key").as_string(), "name");
  EXPECT_EQ(containers.at("x-kubernetes-patch-strategy").as_string(), "merge");
  EXPECT_EQ(Ref(containers.at("items")), "#/components/schemas/io.k8s.api.core.v1.Container");
  EXPECT_EQ(pod.at("finalizers").at("x-kubernetes-list-type").as_string(), "set");
  EXPECT_EQ(pod.at("extra").at("x-kubernetes-preserve-unknown-fields").as_bool(), true);
  const auto& c = schema("io.k8s.api.core.v1.Container").at("properties");
  EXPECT_EQ(c.at("args").at("x-kubernetes-list-type").as_string(), "atomic");
  EXPECT_THAT(c.at("ports").at("x-kubernetes-list-map-keys").as_array(),
              ElementsAre(json::value("containerPort"), json::value("protocol")));
  const auto& res = schema("io.k8s.api.core.v1.ResourceRequirements").at("properties");
  EXPECT_EQ(Ref(res.at("limits").at("additionalProperties")),
            "#/components/schemas/io.k8s.apimachinery.pkg.api.resource.Quantity");
  EXPECT_TRUE(schema("io.k8s.apimachinery.pkg.api.resource.Quantity").contains("oneOf"));
  EXPECT_EQ(schema("io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta")
                .at("properties")
                .at("labels")
                .at("additionalProperties")
                .at("type")
                .as_string(),
            "string");
}

TEST(OpenApiHash, StableAcrossCallsAndRegistries) {
  Registry a = MakeTestRegistry();
  std::string h1 = GroupVersionHash(a, "apps", "v1");
  EXPECT_EQ(h1, GroupVersionHash(a, "apps", "v1"));
  EXPECT_EQ(GroupVersionDocument(a, "apps", "v1"),
            json::serialize(BuildGroupVersionDocument(a, "apps", "v1")));
  Registry b = MakeTestRegistry();
  EXPECT_EQ(GroupVersionHash(b, "apps", "v1"), h1);
  EXPECT_EQ(Root(a), Root(b));
  // Different content, different hash; core is unaffected.
  Registry c = MakeTestRegistry();
  ResourceType extra;
  extra.group = "apps";
  extra.version = "v1";
  extra.kind = "ReplicaSet";
  extra.plural = "replicasets";
  extra.schema = testing::TestKind("io.k8s.api.apps.v1.ReplicaSet", {});
  c.Add(std::move(extra));
  EXPECT_NE(GroupVersionHash(c, "apps", "v1"), h1);
  EXPECT_EQ(GroupVersionHash(c, "", "v1"), GroupVersionHash(a, "", "v1"));
}

TEST(OpenApiHash, RegistryAtReusedAddressIsNotServedStale) {
  std::string first;
  {
    Registry r = MakeTestRegistry();
    first = GroupVersionDocument(r, "apps", "v1");
  }
  // A different registry, possibly at the same stack address.
  Registry r;
  ResourceType only;
  only.group = "apps";
  only.version = "v1";
  only.kind = "StatefulSet";
  only.plural = "statefulsets";
  only.schema = testing::TestKind("io.k8s.api.apps.v1.StatefulSet", {});
  r.Add(std::move(only));
  std::string second = GroupVersionDocument(r, "apps", "v1");
  EXPECT_NE(first, second);
  EXPECT_NE(second.find("StatefulSet"), std::string::npos);
  EXPECT_EQ(second.find("Deployment"), std::string::npos);
}

TEST(OpenApiCache, ConcurrentCallersSeeOneDocument) {
  Registry r = MakeTestRegistry();
  std::vector<std::string> seen(8);
  std::vector<std::thread> threads;
  for (size_t i = 0; i < seen.size(); ++i) {
    threads.emplace_back([&, i] {
      seen[i] = GroupVersionDocument(r, i % 2 ? "apps" : "", "v1") + GroupVersionHash(r, "", "v1");
    });
  }
  for (auto& t : threads) t.join();
  for (size_t i = 2; i < seen.size(); ++i) EXPECT_EQ(seen[i], seen[i % 2]);
}

}  // namespace
}  // namespace berth::api::openapi
