// Integration: DELETE with propagationPolicy / orphanDependents (deletion_propagation.h) — the
// garbage collector's finalizers, kind defaults, validation, and an update removing the last
// finalizer of an object being deleted.
#include "integration_fixture.h"

namespace berth::apiserver::testing {
namespace {

class DeletionPropagation : public IntegrationTest {
 protected:
  static std::vector<std::string> Finalizers(const json::value& obj) {
    std::vector<std::string> out;
    const json::value* f = At(obj, "metadata.finalizers");
    if (f && f->is_array()) {
      for (const auto& v : f->as_array()) out.emplace_back(v.as_string());
    }
    return out;
  }
  static std::string Body(const std::string& policy) {
    return json::serialize(json::object{{"kind", "DeleteOptions"},
                                        {"apiVersion", "v1"},
                                        {"propagationPolicy", policy}});
  }
  static json::object Job(const std::string& name) {
    json::object pod_spec{{"restartPolicy", "Never"},
                          {"containers", json::array{json::object{{"name", "c"},
                                                                  {"image", "busybox"}}}}};
    return json::object{{"apiVersion", "batch/v1"},
                        {"kind", "Job"},
                        {"metadata", json::object{{"name", name}}},
                        {"spec", json::object{{"template", json::object{{"spec", pod_spec}}}}}};
  }
};

TEST_F(DeletionPropagation, BackgroundAndDefaultDeleteAtOnce) {
  std::string ns = MakeNamespace();
  auto c = Client();
  ASSERT_EQ(c.Post(CmPath(ns), ConfigMap("bg")).status, 201);
  ASSERT_EQ(c.Post(CmPath(ns), ConfigMap("plain")).status, 201);
  auto d = c.Delete(CmPath(ns, "bg"), Body("Background"));
  EXPECT_EQ(d.status, 200) << d.body;
  EXPECT_EQ(c.Get(CmPath(ns, "bg")).status, 404);
  d = c.Delete(CmPath(ns, "plain"));
  EXPECT_EQ(d.status, 200) << d.body;
  EXPECT_EQ(c.Get(CmPath(ns, "plain")).status, 404);
}

TEST_F(DeletionPropagation, OrphanAddsFinalizerAndKeepsObject) {
  std::string ns = MakeNamespace();
  auto c = Client();
  ASSERT_EQ(c.Post(CmPath(ns), ConfigMap("orph")).status, 201);
  auto d = c.Delete(CmPath(ns, "orph"), Body("Orphan"));
  ASSERT_EQ(d.status, 200) << d.body;
  auto got = c.Get(CmPath(ns, "orph"));
  ASSERT_EQ(got.status, 200);
  EXPECT_FALSE(Str(got.Json(), "metadata.deletionTimestamp").empty());
  EXPECT_EQ(Finalizers(got.Json()), std::vector<std::string>{"orphan"});
  // Deleting again (any policy) changes nothing while the deletion is pending.
  d = c.Delete(CmPath(ns, "orph"), Body("Foreground"));
  EXPECT_EQ(d.status, 200);
  EXPECT_EQ(Finalizers(c.Get(CmPath(ns, "orph")).Json()), std::vector<std::string>{"orphan"});
  // The GC's part: removing the last finalizer deletes the object.
  auto p = c.Patch(CmPath(ns, "orph"), "application/merge-patch+json",
                   R"({"metadata":{"finalizers":null}})");
  EXPECT_EQ(p.status, 200) << p.body;
  EXPECT_EQ(c.Get(CmPath(ns, "orph")).status, 404);
}

TEST_F(DeletionPropagation, ForegroundAddsFinalizerNextToOthers) {
  std::string ns = MakeNamespace();
  auto c = Client();
  json::object cm = ConfigMap("fg");
  cm["metadata"].as_object()["finalizers"] = json::array{"example.com/keep"};
  ASSERT_EQ(c.Post(CmPath(ns), cm).status, 201);
  ASSERT_EQ(c.Delete(CmPath(ns, "fg"), Body("Foreground")).status, 200);
  auto got = c.Get(CmPath(ns, "fg"));
  ASSERT_EQ(got.status, 200);
  EXPECT_FALSE(Str(got.Json(), "metadata.deletionTimestamp").empty());
  EXPECT_EQ(Finalizers(got.Json()),
            (std::vector<std::string>{"example.com/keep", "foregroundDeletion"}));
  // Removing one finalizer keeps the object; removing the last (by update) deletes it.
  auto p = c.Patch(CmPath(ns, "fg"), "application/merge-patch+json",
                   R"({"metadata":{"finalizers":["example.com/keep"]}})");
  ASSERT_EQ(p.status, 200) << p.body;
  got = c.Get(CmPath(ns, "fg"));
  ASSERT_EQ(got.status, 200);
  json::value upd = got.Json();
  upd.as_object()["metadata"].as_object()["finalizers"] = json::array{};
  auto u = c.Put(CmPath(ns, "fg"), upd);
  EXPECT_EQ(u.status, 200) << u.body;
  EXPECT_EQ(c.Get(CmPath(ns, "fg")).status, 404);
}

TEST_F(DeletionPropagation, QueryParametersAndLegacyOrphanDependents) {
  std::string ns = MakeNamespace();
  auto c = Client();
  for (const char* n : {"q-orphan", "q-fg", "legacy", "legacy-false"}) {
    ASSERT_EQ(c.Post(CmPath(ns), ConfigMap(n)).status, 201);
  }
  ASSERT_EQ(c.Delete(CmPath(ns, "q-orphan") + "?propagationPolicy=Orphan").status, 200);
  EXPECT_EQ(Finalizers(c.Get(CmPath(ns, "q-orphan")).Json()),
            std::vector<std::string>{"orphan"});
  ASSERT_EQ(c.Delete(CmPath(ns, "q-fg") + "?propagationPolicy=Foreground").status, 200);
  EXPECT_EQ(Finalizers(c.Get(CmPath(ns, "q-fg")).Json()),
            std::vector<std::string>{"foregroundDeletion"});
  ASSERT_EQ(c.Delete(CmPath(ns, "legacy"), R"({"orphanDependents":true})").status, 200);
  EXPECT_EQ(Finalizers(c.Get(CmPath(ns, "legacy")).Json()), std::vector<std::string>{"orphan"});
  ASSERT_EQ(c.Delete(CmPath(ns, "legacy-false"), R"({"orphanDependents":false})").status, 200);
  EXPECT_EQ(c.Get(CmPath(ns, "legacy-false")).status, 404);
}

TEST_F(DeletionPropagation, InvalidOptionsAreRejected) {
  std::string ns = MakeNamespace();
  auto c = Client();
  ASSERT_EQ(c.Post(CmPath(ns), ConfigMap("keep")).status, 201);
  auto bad = c.Delete(CmPath(ns, "keep"), Body("Sideways"));
  EXPECT_TRUE(IsStatus(bad, 422, "Invalid")) << bad.body;
  EXPECT_NE(bad.body.find("Unsupported value"), std::string::npos) << bad.body;
  auto both = c.Delete(CmPath(ns, "keep"),
                       R"({"orphanDependents":true,"propagationPolicy":"Background"})");
  EXPECT_TRUE(IsStatus(both, 422, "Invalid")) << both.body;
  auto q = c.Delete(CmPath(ns, "keep") + "?propagationPolicy=nope");
  EXPECT_TRUE(IsStatus(q, 422, "Invalid")) << q.body;
  auto got = c.Get(CmPath(ns, "keep"));
  ASSERT_EQ(got.status, 200);
  EXPECT_TRUE(Str(got.Json(), "metadata.deletionTimestamp").empty());
}

TEST_F(DeletionPropagation, ExplicitBackgroundDropsGcFinalizerOnObject) {
  std::string ns = MakeNamespace();
  auto c = Client();
  json::object cm = ConfigMap("pre");
  cm["metadata"].as_object()["finalizers"] = json::array{"orphan"};
  ASSERT_EQ(c.Post(CmPath(ns), cm).status, 201);
  ASSERT_EQ(c.Delete(CmPath(ns, "pre"), Body("Background")).status, 200);
  EXPECT_EQ(c.Get(CmPath(ns, "pre")).status, 404);
  // Without a policy the finalizer on the object decides.
  ASSERT_EQ(c.Post(CmPath(ns), cm).status, 201);
  ASSERT_EQ(c.Delete(CmPath(ns, "pre")).status, 200);
  EXPECT_EQ(Finalizers(c.Get(CmPath(ns, "pre")).Json()), std::vector<std::string>{"orphan"});
}

TEST_F(DeletionPropagation, BatchV1JobsOrphanByDefault) {
  std::string ns = MakeNamespace();
  auto c = Client();
  std::string jobs = "/apis/batch/v1/namespaces/" + ns + "/jobs";
  auto cr = c.Post(jobs, Job("j1"));
  ASSERT_EQ(cr.status, 201) << cr.body;
  ASSERT_EQ(c.Post(jobs, Job("j2")).status, 201);
  ASSERT_EQ(c.Delete(jobs + "/j1").status, 200);
  EXPECT_EQ(Finalizers(c.Get(jobs + "/j1").Json()), std::vector<std::string>{"orphan"});
  // kubectl sends Background explicitly.
  ASSERT_EQ(c.Delete(jobs + "/j2", Body("Background")).status, 200);
  EXPECT_EQ(c.Get(jobs + "/j2").status, 404);
}

TEST_F(DeletionPropagation, DryRunLeavesObjectAlone) {
  std::string ns = MakeNamespace();
  auto c = Client();
  ASSERT_EQ(c.Post(CmPath(ns), ConfigMap("dry")).status, 201);
  auto d = c.Delete(CmPath(ns, "dry") + "?dryRun=All", Body("Orphan"));
  ASSERT_EQ(d.status, 200) << d.body;
  EXPECT_EQ(Finalizers(d.Json()), std::vector<std::string>{"orphan"});
  auto got = c.Get(CmPath(ns, "dry"));
  ASSERT_EQ(got.status, 200);
  EXPECT_TRUE(Finalizers(got.Json()).empty());
  EXPECT_TRUE(Str(got.Json(), "metadata.deletionTimestamp").empty());
}

TEST_F(DeletionPropagation, ConfirmedPodGoesWithItsLastFinalizer) {
  std::string ns = MakeNamespace();
  auto c = Client();
  std::string pods = "/api/v1/namespaces/" + ns + "/pods";
  json::object pod{
      {"apiVersion", "v1"},
      {"kind", "Pod"},
      {"metadata", json::object{{"name", "held"}, {"finalizers", json::array{"example.com/x"}}}},
      {"spec", json::object{{"nodeName", "n1"},
                            {"containers", json::array{json::object{{"name", "c"},
                                                                    {"image", "busybox"}}}}}}};
  ASSERT_EQ(c.Post(pods, pod).status, 201);
  ASSERT_EQ(c.Delete(pods + "/held", Body("Foreground")).status, 200);
  auto got = c.Get(pods + "/held");
  ASSERT_EQ(got.status, 200);
  EXPECT_EQ(Int(got.Json(), "metadata.deletionGracePeriodSeconds"), 30);
  EXPECT_EQ(Finalizers(got.Json()),
            (std::vector<std::string>{"example.com/x", "foregroundDeletion"}));
  // Removing finalizers does not remove a pod its node agent has not confirmed...
  auto p = c.Patch(pods + "/held", "application/merge-patch+json",
                   R"({"metadata":{"finalizers":["example.com/x"]}})");
  ASSERT_EQ(p.status, 200) << p.body;
  // ...the agent's confirmation (grace 0) is recorded while a finalizer remains...
  ASSERT_EQ(c.Delete(pods + "/held", R"({"gracePeriodSeconds":0})").status, 200);
  got = c.Get(pods + "/held");
  ASSERT_EQ(got.status, 200);
  EXPECT_EQ(Int(got.Json(), "metadata.deletionGracePeriodSeconds"), 0);
  // ...and the last finalizer going then removes it.
  p = c.Patch(pods + "/held", "application/merge-patch+json", R"({"metadata":{"finalizers":null}})");
  ASSERT_EQ(p.status, 200) << p.body;
  EXPECT_EQ(c.Get(pods + "/held").status, 404);
}

}  // namespace
}  // namespace berth::apiserver::testing
