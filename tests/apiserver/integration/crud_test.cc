// Integration: create/get/list/update/delete of ConfigMaps and Deployments,
// optimistic concurrency, generation, generateName and finalizers.
#include <set>

#include "integration_fixture.h"

namespace berth::apiserver::testing {
namespace {

class IntegrationCrud : public IntegrationTest {};

TEST_F(IntegrationCrud, ConfigMapLifecycle) {
  std::string ns = MakeNamespace();
  auto c = Client();
  auto created = c.Post(CmPath(ns), ConfigMap("cfg", {{"a", "1"}}));
  ASSERT_EQ(created.status, 201) << created.body;
  json::value obj = created.Json();
  EXPECT_EQ(Str(obj, "kind"), "ConfigMap");
  EXPECT_EQ(Str(obj, "apiVersion"), "v1");
  EXPECT_EQ(Str(obj, "metadata.namespace"), ns);
  EXPECT_EQ(Str(obj, "metadata.uid").size(), 36u);
  EXPECT_FALSE(Str(obj, "metadata.creationTimestamp").empty());
  std::string rv = Str(obj, "metadata.resourceVersion");
  EXPECT_FALSE(rv.empty());
  EXPECT_EQ(At(obj, "metadata.generation"), nullptr) << "configmaps do not track generation";

  auto dup = c.Post(CmPath(ns), ConfigMap("cfg"));
  EXPECT_TRUE(IsStatus(dup, 409, "AlreadyExists"));
  EXPECT_EQ(Str(dup.Json(), "details.name"), "cfg");
  EXPECT_EQ(Str(dup.Json(), "details.kind"), "configmaps");

  auto got = c.Get(CmPath(ns, "cfg"));
  ASSERT_EQ(got.status, 200);
  EXPECT_EQ(Str(got.Json(), "metadata.uid"), Str(obj, "metadata.uid"));
  EXPECT_EQ(Str(got.Json(), "data.a"), "1");
  EXPECT_EQ(Str(got.Json(), "metadata.resourceVersion"), rv);

  auto list = c.Get(CmPath(ns));
  ASSERT_EQ(list.status, 200);
  EXPECT_EQ(Str(list.Json(), "kind"), "ConfigMapList");
  EXPECT_EQ(At(list.Json(), "items")->as_array().size(), 1u);
  EXPECT_FALSE(Str(list.Json(), "metadata.resourceVersion").empty());

  // Update with the current resourceVersion, then a stale one.
  json::object upd = got.Json().as_object();
  upd["data"].as_object()["a"] = "2";
  auto u1 = c.Put(CmPath(ns, "cfg"), upd);
  ASSERT_EQ(u1.status, 200) << u1.body;
  EXPECT_EQ(Str(u1.Json(), "data.a"), "2");
  EXPECT_NE(Str(u1.Json(), "metadata.resourceVersion"), rv);
  EXPECT_EQ(Str(u1.Json(), "metadata.uid"), Str(obj, "metadata.uid"));

  upd["data"].as_object()["a"] = "3";  // still carries the old rv
  auto stale = c.Put(CmPath(ns, "cfg"), upd);
  EXPECT_TRUE(IsStatus(stale, 409, "Conflict"));
  EXPECT_NE(Str(stale.Json(), "message").find("the object has been modified"), std::string::npos)
      << stale.body;
  EXPECT_EQ(Str(c.Get(CmPath(ns, "cfg")).Json(), "data.a"), "2");

  // Without a resourceVersion the update is unconditional.
  json::object blind = ConfigMap("cfg", {{"a", "4"}});
  auto u2 = c.Put(CmPath(ns, "cfg"), blind);
  ASSERT_EQ(u2.status, 200) << u2.body;
  EXPECT_EQ(Str(u2.Json(), "data.a"), "4");
  EXPECT_EQ(Str(u2.Json(), "metadata.uid"), Str(obj, "metadata.uid")) << "uid is immutable";
  EXPECT_EQ(Str(u2.Json(), "metadata.creationTimestamp"),
            Str(obj, "metadata.creationTimestamp"));

  // Name in body must match the URL.
  auto wrong_name = c.Put(CmPath(ns, "cfg"), ConfigMap("other"));
  EXPECT_TRUE(IsStatus(wrong_name, 400, "BadRequest"));

  auto del = c.Delete(CmPath(ns, "cfg"));
  EXPECT_EQ(del.status, 200) << del.body;
  auto gone = c.Get(CmPath(ns, "cfg"));
  EXPECT_TRUE(IsStatus(gone, 404, "NotFound"));
  EXPECT_EQ(Str(gone.Json(), "message"), "configmaps \"cfg\" not found");
  EXPECT_EQ(Str(gone.Json(), "details.name"), "cfg");
  EXPECT_EQ(Str(gone.Json(), "details.kind"), "configmaps");
  EXPECT_TRUE(IsStatus(c.Delete(CmPath(ns, "cfg")), 404, "NotFound"));
  EXPECT_TRUE(IsStatus(c.Put(CmPath(ns, "cfg"), ConfigMap("cfg")), 404, "NotFound"));
}

TEST_F(IntegrationCrud, DeploymentGeneration) {
  std::string ns = MakeNamespace();
  auto c = Client();
  auto created = c.Post(DeployPath(ns), Deployment("web", 2));
  ASSERT_EQ(created.status, 201) << created.body;
  json::value obj = created.Json();
  EXPECT_EQ(Int(obj, "metadata.generation"), 1);
  EXPECT_EQ(Str(obj, "kind"), "Deployment");
  EXPECT_EQ(Str(obj, "apiVersion"), "apps/v1");
  EXPECT_EQ(Int(obj, "spec.replicas"), 2);
  // Defaults were applied.
  EXPECT_EQ(Str(obj, "spec.strategy.type"), "RollingUpdate") << created.body;

  // A metadata-only change does not bump generation.
  json::object cur = obj.as_object();
  cur["metadata"].as_object()["labels"] = json::object{{"tier", "front"}};
  auto meta_only = c.Put(DeployPath(ns, "web"), cur);
  ASSERT_EQ(meta_only.status, 200) << meta_only.body;
  EXPECT_EQ(Int(meta_only.Json(), "metadata.generation"), 1);
  EXPECT_EQ(Str(meta_only.Json(), "metadata.labels.tier"), "front");

  // A spec change does.
  cur = meta_only.Json().as_object();
  cur["spec"].as_object()["replicas"] = 5;
  auto spec = c.Put(DeployPath(ns, "web"), cur);
  ASSERT_EQ(spec.status, 200) << spec.body;
  EXPECT_EQ(Int(spec.Json(), "metadata.generation"), 2);
  EXPECT_EQ(Int(spec.Json(), "spec.replicas"), 5);

  // A status written through the main resource is ignored.
  cur = spec.Json().as_object();
  cur["status"] = json::object{{"replicas", 42}};
  auto st = c.Put(DeployPath(ns, "web"), cur);
  ASSERT_EQ(st.status, 200) << st.body;
  EXPECT_NE(Int(st.Json(), "status.replicas"), 42);
  EXPECT_EQ(Int(st.Json(), "metadata.generation"), 2);

  // A no-op update keeps the resourceVersion.
  auto again = c.Put(DeployPath(ns, "web"), st.Json());
  ASSERT_EQ(again.status, 200);
  EXPECT_EQ(Str(again.Json(), "metadata.resourceVersion"), Str(st.Json(), "metadata.resourceVersion"));
}

// A write to /status changes the status and the annotations, never the spec (the Job and
// Deployment conformance tests merge-patch an annotation through /status).
TEST_F(IntegrationCrud, StatusWriteKeepsSpecTakesAnnotations) {
  std::string ns = MakeNamespace();
  auto c = Client();
  ASSERT_EQ(c.Post(DeployPath(ns), Deployment("web", 2)).status, 201);
  auto p = c.Patch(DeployPath(ns, "web") + "/status", "application/merge-patch+json",
                   R"({"metadata":{"annotations":{"patchedstatus":"true"}},)"
                   R"("spec":{"replicas":7},"status":{"observedGeneration":1}})");
  ASSERT_EQ(p.status, 200) << p.body;
  EXPECT_EQ(Str(p.Json(), "metadata.annotations.patchedstatus"), "true");
  EXPECT_EQ(Int(p.Json(), "spec.replicas"), 2);
  EXPECT_EQ(Int(p.Json(), "status.observedGeneration"), 1);
  auto got = c.Get(DeployPath(ns, "web"));
  EXPECT_EQ(Str(got.Json(), "metadata.annotations.patchedstatus"), "true");
}

TEST_F(IntegrationCrud, GenerateName) {
  std::string ns = MakeNamespace();
  json::object cm = ConfigMap("");
  cm["metadata"].as_object().erase("name");
  cm["metadata"].as_object()["generateName"] = "gen-";
  auto a = Client().Post(CmPath(ns), cm);
  auto b = Client().Post(CmPath(ns), cm);
  ASSERT_EQ(a.status, 201) << a.body;
  ASSERT_EQ(b.status, 201) << b.body;
  std::string na = Str(a.Json(), "metadata.name"), nb = Str(b.Json(), "metadata.name");
  EXPECT_EQ(na.rfind("gen-", 0), 0u);
  EXPECT_GT(na.size(), 4u);
  EXPECT_NE(na, nb);
  EXPECT_EQ(Str(a.Json(), "metadata.generateName"), "gen-");
  EXPECT_EQ(Client().Get(CmPath(ns, na)).status, 200);

  // Neither name nor generateName: 422 with a cause on metadata.name.
  json::object anon = ConfigMap("");
  anon["metadata"].as_object().erase("name");
  auto bad = Client().Post(CmPath(ns), anon);
  ASSERT_TRUE(IsStatus(bad, 422, "Invalid"));
  EXPECT_EQ(Str(bad.Json(), "details.causes.0.field"), "metadata.name") << bad.body;
}

TEST_F(IntegrationCrud, NamespaceMismatchAndMissingNamespace) {
  std::string ns = MakeNamespace();
  json::object cm = ConfigMap("x");
  cm["metadata"].as_object()["namespace"] = "elsewhere";
  auto mismatch = Client().Post(CmPath(ns), cm);
  EXPECT_TRUE(IsStatus(mismatch, 400, "BadRequest"));
  EXPECT_NE(Str(mismatch.Json(), "message").find("does not match the namespace"),
            std::string::npos)
      << mismatch.body;

  auto missing = Client().Post(CmPath("no-such-ns"), ConfigMap("x"));
  EXPECT_TRUE(IsStatus(missing, 404, "NotFound"));
  EXPECT_EQ(Str(missing.Json(), "message"), "namespaces \"no-such-ns\" not found") << missing.body;
  EXPECT_EQ(Str(missing.Json(), "details.kind"), "namespaces");

  // Invalid name: 422 Invalid naming the field.
  auto badname = Client().Post(CmPath(ns), ConfigMap("Not_Valid"));
  ASSERT_TRUE(IsStatus(badname, 422, "Invalid"));
  EXPECT_EQ(Str(badname.Json(), "details.causes.0.field"), "metadata.name");
  EXPECT_EQ(Str(badname.Json(), "details.kind"), "ConfigMap");
}

TEST_F(IntegrationCrud, FinalizersDelayDeletion) {
  std::string ns = MakeNamespace();
  auto c = Client();
  json::object cm = ConfigMap("held", {{"k", "v"}});
  cm["metadata"].as_object()["finalizers"] = json::array{"example.com/hold"};
  ASSERT_EQ(c.Post(CmPath(ns), cm).status, 201);

  auto del = c.Delete(CmPath(ns, "held"));
  ASSERT_EQ(del.status, 200) << del.body;
  auto got = c.Get(CmPath(ns, "held"));
  ASSERT_EQ(got.status, 200) << "an object with finalizers stays until they are removed";
  EXPECT_FALSE(Str(got.Json(), "metadata.deletionTimestamp").empty()) << got.body;
  std::string dts = Str(got.Json(), "metadata.deletionTimestamp");

  // A second delete keeps the original deletionTimestamp.
  ASSERT_EQ(c.Delete(CmPath(ns, "held")).status, 200);
  EXPECT_EQ(Str(c.Get(CmPath(ns, "held")).Json(), "metadata.deletionTimestamp"), dts);

  // Adding a new finalizer while deleting is refused (Invalid), like upstream.
  json::object more = c.Get(CmPath(ns, "held")).Json().as_object();
  more["metadata"].as_object()["finalizers"] =
      json::array{"example.com/hold", "example.com/another"};
  auto add = c.Put(CmPath(ns, "held"), more);
  EXPECT_TRUE(IsStatus(add, 422, "Invalid")) << add.body;

  json::object upd = c.Get(CmPath(ns, "held")).Json().as_object();
  upd["metadata"].as_object()["finalizers"] = json::array();
  auto rm = c.Put(CmPath(ns, "held"), upd);
  EXPECT_EQ(rm.status, 200) << rm.body;
  EXPECT_TRUE(IsStatus(c.Get(CmPath(ns, "held")), 404, "NotFound"));
}

TEST_F(IntegrationCrud, DeleteWithPreconditions) {
  std::string ns = MakeNamespace();
  auto c = Client();
  auto created = c.Post(CmPath(ns), ConfigMap("p"));
  ASSERT_EQ(created.status, 201);
  json::object opts{{"kind", "DeleteOptions"},
                    {"apiVersion", "v1"},
                    {"preconditions", json::object{{"uid", "00000000-0000-0000-0000-000000000000"}}}};
  EXPECT_TRUE(IsStatus(c.Delete(CmPath(ns, "p"), json::serialize(opts)), 409, "Conflict"));
  opts["preconditions"] = json::object{{"uid", Str(created.Json(), "metadata.uid")}};
  EXPECT_EQ(c.Delete(CmPath(ns, "p"), json::serialize(opts)).status, 200);
  EXPECT_EQ(c.Get(CmPath(ns, "p")).status, 404);
}

TEST_F(IntegrationCrud, ClusterScopedAndAllNamespacesList) {
  auto c = Client();
  std::string a = MakeNamespace(), b = MakeNamespace();
  ASSERT_EQ(c.Post(CmPath(a), ConfigMap("same")).status, 201);
  ASSERT_EQ(c.Post(CmPath(b), ConfigMap("same")).status, 201);
  auto all = c.Get("/api/v1/configmaps?fieldSelector=metadata.name%3Dsame");
  ASSERT_EQ(all.status, 200) << all.body;
  std::set<std::string> seen;
  json::value allv = all.Json();
  for (const auto& it : At(allv, "items")->as_array()) seen.insert(Str(it, "metadata.namespace"));
  EXPECT_TRUE(seen.count(a) && seen.count(b)) << all.body;

  auto nsget = c.Get("/api/v1/namespaces/" + a);
  ASSERT_EQ(nsget.status, 200);
  EXPECT_EQ(Str(nsget.Json(), "status.phase"), "Active");
  EXPECT_EQ(At(nsget.Json(), "metadata.namespace"), nullptr);
}

}  // namespace
}  // namespace berth::apiserver::testing
