// Integration: merge, JSON and strategic merge patches, server-side apply,
// and the scale subresource.
#include "integration_fixture.h"

namespace berth::apiserver::testing {
namespace {

class IntegrationPatch : public IntegrationTest {};

constexpr const char* kMerge = "application/merge-patch+json";
constexpr const char* kJsonPatch = "application/json-patch+json";
constexpr const char* kStrategic = "application/strategic-merge-patch+json";
constexpr const char* kApply = "application/apply-patch+yaml";

TEST_F(IntegrationPatch, MergePatch) {
  std::string ns = MakeNamespace();
  auto c = Client();
  ASSERT_EQ(c.Post(CmPath(ns), ConfigMap("m", {{"a", "1"}, {"b", "2"}})).status, 201);
  auto r = c.Patch(CmPath(ns, "m"), kMerge, R"({"data":{"a":null,"c":"3"},"metadata":{"labels":{"x":"y"}}})");
  ASSERT_EQ(r.status, 200) << r.body;
  json::value v = r.Json();
  EXPECT_EQ(At(v, "data.a"), nullptr);
  EXPECT_EQ(Str(v, "data.b"), "2");
  EXPECT_EQ(Str(v, "data.c"), "3");
  EXPECT_EQ(Str(v, "metadata.labels.x"), "y");
  EXPECT_TRUE(IsStatus(c.Patch(CmPath(ns, "nope"), kMerge, R"({"data":{}})"), 404, "NotFound"));
  // A stale resourceVersion inside the patch is a conflict.
  auto stale = c.Patch(CmPath(ns, "m"), kMerge, R"({"metadata":{"resourceVersion":"1"},"data":{"d":"4"}})");
  EXPECT_TRUE(IsStatus(stale, 409, "Conflict"));
}

TEST_F(IntegrationPatch, JsonPatch) {
  std::string ns = MakeNamespace();
  auto c = Client();
  ASSERT_EQ(c.Post(CmPath(ns), ConfigMap("j", {{"a", "1"}})).status, 201);
  auto r = c.Patch(CmPath(ns, "j"), kJsonPatch,
                   R"([{"op":"add","path":"/data/b","value":"2"},{"op":"replace","path":"/data/a","value":"9"},
                       {"op":"test","path":"/data/b","value":"2"}])");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(Str(r.Json(), "data.a"), "9");
  EXPECT_EQ(Str(r.Json(), "data.b"), "2");
  // A failing test op changes nothing.
  auto failed = c.Patch(CmPath(ns, "j"), kJsonPatch,
                        R"([{"op":"remove","path":"/data/a"},{"op":"test","path":"/data/b","value":"x"}])");
  EXPECT_GE(failed.status, 400) << failed.body;
  EXPECT_LT(failed.status, 500) << failed.body;
  EXPECT_EQ(Str(failed.Json(), "kind"), "Status");
  EXPECT_EQ(Str(c.Get(CmPath(ns, "j")).Json(), "data.a"), "9");
  // Not an array / not JSON.
  EXPECT_TRUE(IsStatus(c.Patch(CmPath(ns, "j"), kJsonPatch, R"({"op":"add"})"), 400, "BadRequest"));
  EXPECT_TRUE(IsStatus(c.Patch(CmPath(ns, "j"), kJsonPatch, "[{"), 400, "BadRequest"));
  // Unknown patch type.
  EXPECT_TRUE(IsStatus(c.Patch(CmPath(ns, "j"), "application/xml", "<a/>"), 415,
                       "UnsupportedMediaType"));
}

TEST_F(IntegrationPatch, StrategicMergeMergesContainersByName) {
  std::string ns = MakeNamespace();
  auto c = Client();
  ASSERT_EQ(c.Post(DeployPath(ns), Deployment("d")).status, 201);
  auto r = c.Patch(DeployPath(ns, "d"), kStrategic,
                   R"({"spec":{"template":{"spec":{"containers":[{"name":"side","image":"busybox"},
                       {"name":"web","image":"nginx:1.28"}]}}}})");
  ASSERT_EQ(r.status, 200) << r.body;
  json::value v = r.Json();
  const json::value* cs = At(v, "spec.template.spec.containers");
  ASSERT_NE(cs, nullptr);
  ASSERT_EQ(cs->as_array().size(), 2u) << json::serialize(*cs);
  std::map<std::string, std::string> images;
  for (const auto& ct : cs->as_array()) images[Str(ct, "name")] = Str(ct, "image");
  EXPECT_EQ(images["web"], "nginx:1.28");
  EXPECT_EQ(images["side"], "busybox");
  EXPECT_EQ(Int(v, "metadata.generation"), 2);

  // $patch: delete removes one element by key.
  r = c.Patch(DeployPath(ns, "d"), kStrategic,
              R"({"spec":{"template":{"spec":{"containers":[{"name":"side","$patch":"delete"}]}}}})");
  ASSERT_EQ(r.status, 200) << r.body;
  json::value v2 = r.Json();
  ASSERT_EQ(At(v2, "spec.template.spec.containers")->as_array().size(), 1u);
  EXPECT_EQ(Str(v2, "spec.template.spec.containers.0.name"), "web");

  // A JSON merge patch replaces the list wholesale.
  r = c.Patch(DeployPath(ns, "d"), kMerge,
              R"({"spec":{"template":{"spec":{"containers":[{"name":"only","image":"alpine"}]}}}})");
  ASSERT_EQ(r.status, 200) << r.body;
  json::value v3 = r.Json();
  ASSERT_EQ(At(v3, "spec.template.spec.containers")->as_array().size(), 1u);
  EXPECT_EQ(Str(v3, "spec.template.spec.containers.0.name"), "only");
}

TEST_F(IntegrationPatch, ServerSideApplyCreateConflictForce) {
  std::string ns = MakeNamespace();
  auto c = Client();
  std::string path = CmPath(ns, "ssa");
  std::string doc_a =
      "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ssa\ndata:\n  x: \"1\"\n  y: \"1\"\n";
  auto a = c.Patch(path + "?fieldManager=mgr-a", kApply, doc_a);
  ASSERT_EQ(a.status, 201) << a.body;
  json::value av = a.Json();
  EXPECT_EQ(Str(av, "data.x"), "1");
  EXPECT_EQ(Str(av, "metadata.managedFields.0.manager"), "mgr-a") << a.body;
  EXPECT_EQ(Str(av, "metadata.managedFields.0.operation"), "Apply");

  // Re-applying the same document is a no-op 200.
  auto again = c.Patch(path + "?fieldManager=mgr-a", kApply, doc_a);
  ASSERT_EQ(again.status, 200) << again.body;
  EXPECT_EQ(Str(again.Json(), "metadata.resourceVersion"), Str(av, "metadata.resourceVersion"));

  std::string doc_b = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ssa\ndata:\n  x: \"2\"\n";
  auto b = c.Patch(path + "?fieldManager=mgr-b", kApply, doc_b);
  ASSERT_TRUE(IsStatus(b, 409, "Conflict")) << b.body;
  json::value bv = b.Json();
  ASSERT_NE(At(bv, "details.causes"), nullptr) << b.body;
  EXPECT_EQ(Str(bv, "details.causes.0.reason"), "FieldManagerConflict") << b.body;
  EXPECT_EQ(Str(bv, "details.causes.0.field"), ".data.x") << b.body;
  EXPECT_NE(Str(bv, "details.causes.0.message").find("mgr-a"), std::string::npos) << b.body;
  EXPECT_EQ(Str(c.Get(path).Json(), "data.x"), "1");

  auto forced = c.Patch(path + "?fieldManager=mgr-b&force=true", kApply, doc_b);
  ASSERT_EQ(forced.status, 200) << forced.body;
  EXPECT_EQ(Str(forced.Json(), "data.x"), "2");
  EXPECT_EQ(Str(forced.Json(), "data.y"), "1");

  // mgr-a now owns only y; applying without y removes it.
  auto shrink = c.Patch(path + "?fieldManager=mgr-a", kApply,
                        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ssa\n");
  ASSERT_EQ(shrink.status, 200) << shrink.body;
  EXPECT_EQ(At(shrink.Json(), "data.y"), nullptr) << shrink.body;
  EXPECT_EQ(Str(shrink.Json(), "data.x"), "2");

  // fieldManager is required.
  EXPECT_TRUE(IsStatus(c.Patch(path, kApply, doc_a), 400, "BadRequest"));
}

TEST_F(IntegrationPatch, ScaleSubresource) {
  std::string ns = MakeNamespace();
  auto c = Client();
  ASSERT_EQ(c.Post(DeployPath(ns), Deployment("s", 2)).status, 201);
  std::string sp = DeployPath(ns, "s") + "/scale";
  auto g = c.Get(sp);
  ASSERT_EQ(g.status, 200) << g.body;
  json::value sc = g.Json();
  EXPECT_EQ(Str(sc, "kind"), "Scale");
  EXPECT_EQ(Str(sc, "apiVersion"), "autoscaling/v1");
  EXPECT_EQ(Int(sc, "spec.replicas"), 2);
  EXPECT_EQ(Str(sc, "metadata.name"), "s");
  EXPECT_EQ(Str(sc, "status.selector"), "app=s");

  auto p = c.Patch(sp, kMerge, R"({"spec":{"replicas":4}})");
  ASSERT_EQ(p.status, 200) << p.body;
  EXPECT_EQ(Int(p.Json(), "spec.replicas"), 4);
  json::value d = c.Get(DeployPath(ns, "s")).Json();
  EXPECT_EQ(Int(d, "spec.replicas"), 4);
  EXPECT_EQ(Int(d, "metadata.generation"), 2);

  json::object stale = sc.as_object();  // carries the rv from before the patch
  stale["spec"] = json::object{{"replicas", 7}};
  EXPECT_TRUE(IsStatus(c.Put(sp, stale), 409, "Conflict"));
  json::object fresh = c.Get(sp).Json().as_object();
  fresh["spec"] = json::object{{"replicas", 7}};
  auto put = c.Put(sp, fresh);
  ASSERT_EQ(put.status, 200) << put.body;
  EXPECT_EQ(Int(c.Get(DeployPath(ns, "s")).Json(), "spec.replicas"), 7);

  auto neg = c.Patch(sp, kMerge, R"({"spec":{"replicas":-1}})");
  ASSERT_TRUE(IsStatus(neg, 422, "Invalid"));
  EXPECT_EQ(Str(neg.Json(), "details.causes.0.field"), "spec.replicas");
  EXPECT_TRUE(IsStatus(c.Get(DeployPath(ns, "missing") + "/scale"), 404, "NotFound"));
  // ConfigMaps have no scale subresource.
  ASSERT_EQ(c.Post(CmPath(ns), ConfigMap("noscale")).status, 201);
  EXPECT_TRUE(IsStatus(c.Get(CmPath(ns, "noscale") + "/scale"), 404, "NotFound"));
}

}  // namespace
}  // namespace berth::apiserver::testing
