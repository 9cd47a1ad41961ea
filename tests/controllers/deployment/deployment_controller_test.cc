// DeploymentController with ReplicaSetController against a real in-process API server, both
// driven step by step with SyncNow, pods made Ready by the test (no kubelet), simulated time.
#include <chrono>
#include <functional>

#include "controllers/common/owner_refs.h"
#include "controllers/deployment/conditions.h"
#include "controllers/deployment/template_hash.h"
#include "fixture.h"

namespace berth::controllers {
namespace {

json::object Deployment(const std::string& name, int replicas, json::object strategy,
                        const std::string& image = "img:1") {
  return json::object{
      {"apiVersion", "apps/v1"},
      {"kind", "Deployment"},
      {"metadata",
       json::object{{"name", name},
                    {"annotations", json::object{{"kubernetes.io/change-cause", "first"}}}}},
      {"spec", json::object{{"replicas", replicas},
                            {"strategy", std::move(strategy)},
                            {"selector",
                             json::object{{"matchLabels", json::object{{"app", name}}}}},
                            {"template", PodTemplate(name, image)}}}};
}

json::object Rolling(json::value surge, json::value unavailable) {
  return json::object{{"type", "RollingUpdate"},
                      {"rollingUpdate", json::object{{"maxSurge", std::move(surge)},
                                                     {"maxUnavailable", std::move(unavailable)}}}};
}

class DeploymentTest : public ControllersTest {
 protected:
  void Patch(const std::string& name, json::object patch) {
    auto r = cp_.client()->Patch(std::string(kDeploys) + "/" + name, patch,
                                 client::PatchType::kMerge);
    ASSERT_TRUE(r.ok()) << r.status().ToString();
  }
  void SetImage(const std::string& name, const std::string& image) {
    json::object d = Deploy(name);
    json::value tmpl = *GetPath(d, {"spec", "template"});
    tmpl.as_object()["spec"].as_object()["containers"].as_array()[0].as_object()["image"] = image;
    Patch(name, json::object{{"spec", json::object{{"template", tmpl}}}});
  }
  bool Complete(const std::string& name) {
    json::object d = Deploy(name);
    json::object st = d["status"].is_object() ? d["status"].as_object() : json::object{};
    const json::object* p = deployutil::GetCondition(st, "Progressing");
    int64_t want = GetInt(d, {"spec", "replicas"}, 1);
    return GetInt(st, {"observedGeneration"}) == GetInt(d, {"metadata", "generation"}) &&
           GetInt(st, {"updatedReplicas"}) == want && GetInt(st, {"replicas"}) == want &&
           GetInt(st, {"availableReplicas"}) == want && p &&
           GetString(*p, {"reason"}) == "NewReplicaSetAvailable";
  }
  // Rounds of: deployment sync, ReplicaSet syncs, (kubelet) pods ready, until complete.
  void Drive(const std::string& name, bool ready = true,
             const std::function<void()>& check = nullptr, int rounds = 30,
             bool must_complete = true) {
    for (int i = 0; i < rounds; i++) {
      SyncDeploy(name);
      if (check) check();
      SyncAllRs();
      SyncAllRs();
      if (ready) MarkAllReady();
      SyncAllRs();
      if (check) check();
      if (ready && Complete(name)) return;
    }
    if (ready && must_complete) {
      ADD_FAILURE() << "deployment never completed: " << ToJson(Deploy(name));
    }
  }
  json::array Rss() { return cp_.List(kRss); }
  json::object RsWithImage(const std::string& image) {
    for (const auto& rs : Rss()) {
      const json::value* c = GetPath(rs, {"spec", "template", "spec", "containers"});
      if (c && c->is_array() && GetString(c->as_array()[0], {"image"}) == image) {
        return rs.as_object();
      }
    }
    return {};
  }
  std::string Revision(const json::object& obj) {
    return GetString(obj, {"metadata", "annotations", "deployment.kubernetes.io/revision"});
  }
  std::string Condition(const std::string& name, const std::string& type,
                        const char* field = "reason") {
    json::object d = Deploy(name);
    if (!d["status"].is_object()) return "";
    const json::object* c = deployutil::GetCondition(d["status"].as_object(), type);
    return c ? GetString(*c, {field}) : "";
  }
};

TEST_F(DeploymentTest, CreateMakesReplicaSetRevision1AndPods) {
  cp_.Create(kDeploys, Deployment("web", 3, Rolling("25%", "25%")));
  Drive("web");
  auto rss = Rss();
  ASSERT_EQ(rss.size(), 1u);
  json::object rs = rss[0].as_object();
  std::string hash = GetString(rs, {"spec", "selector", "matchLabels", "pod-template-hash"});
  ASSERT_FALSE(hash.empty());
  EXPECT_EQ(GetString(rs, {"metadata", "name"}), "web-" + hash);
  EXPECT_EQ(GetString(rs, {"spec", "template", "metadata", "labels", "pod-template-hash"}), hash);
  EXPECT_EQ(Revision(rs), "1");
  EXPECT_EQ(GetString(rs, {"metadata", "annotations", "deployment.kubernetes.io/desired-replicas"}),
            "3");
  EXPECT_EQ(GetString(rs, {"metadata", "annotations", "deployment.kubernetes.io/max-replicas"}),
            "4");
  EXPECT_EQ(GetString(rs, {"metadata", "annotations", "kubernetes.io/change-cause"}), "first");
  json::object d = Deploy("web");
  EXPECT_TRUE(IsControlledBy(rs, GetString(d, {"metadata", "uid"})));
  EXPECT_EQ(Revision(d), "1");
  EXPECT_EQ(CountPods(), 3);
  EXPECT_EQ(GetInt(d, {"status", "replicas"}), 3);
  EXPECT_EQ(GetInt(d, {"status", "updatedReplicas"}), 3);
  EXPECT_EQ(GetInt(d, {"status", "readyReplicas"}), 3);
  EXPECT_EQ(GetInt(d, {"status", "availableReplicas"}), 3);
  EXPECT_EQ(GetInt(d, {"status", "observedGeneration"}), 1);
  EXPECT_EQ(Condition("web", "Available"), "MinimumReplicasAvailable");
  EXPECT_EQ(Condition("web", "Available", "message"), "Deployment has minimum availability.");
  EXPECT_EQ(Condition("web", "Progressing"), "NewReplicaSetAvailable");
  EXPECT_EQ(Condition("web", "Progressing", "message"),
            "ReplicaSet \"web-" + hash + "\" has successfully progressed.");
  cp_.recorder()->Flush();
  bool event = false;
  for (const auto& e : cp_.List("/api/v1/namespaces/default/events")) {
    if (GetString(e, {"reason"}) == "ScalingReplicaSet" &&
        GetString(e, {"message"}) == "Scaled up replica set web-" + hash + " from 0 to 3") {
      event = true;
    }
  }
  EXPECT_TRUE(event);
}

TEST_F(DeploymentTest, RollingUpdateRespectsSurgeAndUnavailable) {
  cp_.Create(kDeploys, Deployment("web", 4, Rolling(1, 1)));
  Drive("web");
  SetImage("web", "img:2");
  // First step: one surge pod for the new template, one old pod may go.
  SyncDeploy("web");
  json::object new_rs = RsWithImage("img:2");
  ASSERT_FALSE(new_rs.empty());
  EXPECT_EQ(GetInt(new_rs, {"spec", "replicas"}), 1);
  EXPECT_EQ(Revision(new_rs), "2");
  EXPECT_EQ(Condition("web", "Progressing"), "NewReplicaSetCreated");
  // Never more than 5 pods planned, never fewer than 3 ready.
  auto check = [&] {
    int64_t planned = 0;
    for (const auto& rs : Rss()) planned += GetInt(rs, {"spec", "replicas"});
    EXPECT_LE(planned, 5);
    EXPECT_GE(CountPods("", /*ready_only=*/true), 3);
  };
  Drive("web", true, check);
  EXPECT_EQ(GetInt(RsWithImage("img:2"), {"spec", "replicas"}), 4);
  EXPECT_EQ(GetInt(RsWithImage("img:1"), {"spec", "replicas"}), 0);
  EXPECT_EQ(CountPods(GetString(RsWithImage("img:2"), {"metadata", "name"})), 4);
  EXPECT_EQ(CountPods(), 4);
  json::object d = Deploy("web");
  EXPECT_EQ(GetInt(d, {"status", "observedGeneration"}), 2);
  EXPECT_EQ(Revision(d), "2");
}

TEST_F(DeploymentTest, NoOldPodRemovedWhileNewOnesAreNotReady) {
  cp_.Create(kDeploys, Deployment("web", 3, Rolling(1, 0)));
  Drive("web");
  SetImage("web", "img:2");
  Drive("web", /*ready=*/false, nullptr, /*rounds=*/3);
  EXPECT_EQ(GetInt(RsWithImage("img:2"), {"spec", "replicas"}), 1);
  EXPECT_EQ(GetInt(RsWithImage("img:1"), {"spec", "replicas"}), 3);
  json::object d = Deploy("web");
  EXPECT_EQ(GetInt(d, {"status", "updatedReplicas"}), 1);
  EXPECT_EQ(GetInt(d, {"status", "unavailableReplicas"}), 1);
  EXPECT_EQ(Condition("web", "Progressing"), "ReplicaSetUpdated");
  Drive("web");  // pods become ready: the rollout finishes
  EXPECT_EQ(GetInt(RsWithImage("img:1"), {"spec", "replicas"}), 0);
}

TEST_F(DeploymentTest, RecreateStopsOldPodsBeforeStartingNew) {
  cp_.Create(kDeploys, Deployment("web", 2, json::object{{"type", "Recreate"}}));
  Drive("web");
  SetImage("web", "img:2");
  SyncDeploy("web");
  EXPECT_EQ(GetInt(RsWithImage("img:1"), {"spec", "replicas"}), 0);
  EXPECT_TRUE(RsWithImage("img:2").empty());  // not before the old pods are gone
  SyncAllRs();
  SyncAllRs();
  EXPECT_EQ(CountPods(), 0);
  Drive("web");
  EXPECT_EQ(GetInt(RsWithImage("img:2"), {"spec", "replicas"}), 2);
  EXPECT_EQ(CountPods(), 2);
}

TEST_F(DeploymentTest, RollbackReusesOldReplicaSetWithNewRevision) {
  cp_.Create(kDeploys, Deployment("web", 2, Rolling("25%", "25%")));
  Drive("web");
  std::string first = GetString(RsWithImage("img:1"), {"metadata", "name"});
  SetImage("web", "img:2");
  Drive("web");
  // `kubectl rollout undo`: the old RS's template (without the hash label) back on the deployment.
  json::value tmpl = *GetPath(RsWithImage("img:1"), {"spec", "template"});
  tmpl.as_object()["metadata"].as_object()["labels"].as_object().erase("pod-template-hash");
  Patch("web", json::object{{"spec", json::object{{"template", tmpl}}}});
  Drive("web");
  ASSERT_EQ(Rss().size(), 2u);
  json::object rs = RsWithImage("img:1");
  EXPECT_EQ(GetString(rs, {"metadata", "name"}), first);
  EXPECT_EQ(Revision(rs), "3");
  EXPECT_EQ(GetString(rs, {"metadata", "annotations", "deployment.kubernetes.io/revision-history"}),
            "1");
  EXPECT_EQ(GetInt(rs, {"spec", "replicas"}), 2);
  EXPECT_EQ(GetInt(RsWithImage("img:2"), {"spec", "replicas"}), 0);
  EXPECT_EQ(Revision(Deploy("web")), "3");
}

TEST_F(DeploymentTest, RevisionHistoryLimitDeletesOldestReplicaSets) {
  json::object d = Deployment("web", 1, Rolling(1, 0));
  d["spec"].as_object()["revisionHistoryLimit"] = 1;
  cp_.Create(kDeploys, d);
  Drive("web");
  SetImage("web", "img:2");
  Drive("web");
  SetImage("web", "img:3");
  Drive("web");
  SyncDeploy("web");  // the cleanup runs once the rollout is complete
  auto rss = Rss();
  EXPECT_EQ(rss.size(), 2u);
  EXPECT_TRUE(RsWithImage("img:1").empty());
  EXPECT_FALSE(RsWithImage("img:2").empty());
  EXPECT_EQ(Revision(RsWithImage("img:3")), "3");
}

TEST_F(DeploymentTest, PausedDeploymentScalesButDoesNotRoll) {
  cp_.Create(kDeploys, Deployment("web", 2, Rolling("25%", "25%")));
  Drive("web");
  Patch("web", json::object{{"spec", json::object{{"paused", true}}}});
  SetImage("web", "img:2");
  Patch("web", json::object{{"spec", json::object{{"replicas", 4}}}});
  Drive("web", /*ready=*/true, nullptr, /*rounds=*/2, /*must_complete=*/false);
  EXPECT_EQ(Rss().size(), 1u);  // no rollout
  EXPECT_EQ(GetInt(RsWithImage("img:1"), {"spec", "replicas"}), 4);  // but scaled
  EXPECT_EQ(Condition("web", "Progressing"), "DeploymentPaused");
  EXPECT_EQ(Condition("web", "Progressing", "status"), "Unknown");
  Patch("web", json::object{{"spec", json::object{{"paused", false}}}});
  Drive("web");
  EXPECT_EQ(GetInt(RsWithImage("img:2"), {"spec", "replicas"}), 4);
}

TEST_F(DeploymentTest, ProgressDeadlineExceeded) {
  json::object d = Deployment("web", 1, Rolling("25%", "25%"));
  d["spec"].as_object()["progressDeadlineSeconds"] = 30;
  cp_.Create(kDeploys, d);
  Drive("web", /*ready=*/false, nullptr, /*rounds=*/2);
  EXPECT_EQ(Condition("web", "Available"), "MinimumReplicasUnavailable");
  EXPECT_EQ(Condition("web", "Available", "message"),
            "Deployment does not have minimum availability.");
  EXPECT_EQ(Condition("web", "Progressing", "status"), "True");
  // The controller asks to look again when the deadline passes.
  std::string key;
  while (dc_->queue().Len() > 0) {
    dc_->queue().Get(&key);
    dc_->queue().Done(key);
  }
  cp_.clock.Advance(std::chrono::seconds(32));
  ASSERT_TRUE(NextKey(dc_->queue(), &key));
  EXPECT_EQ(key, "default/web");
  dc_->queue().Done(key);
  SyncDeploy("web");
  EXPECT_EQ(Condition("web", "Progressing"), "ProgressDeadlineExceeded");
  EXPECT_EQ(Condition("web", "Progressing", "status"), "False");
  std::string rs = GetString(Rss()[0], {"metadata", "name"});
  EXPECT_EQ(Condition("web", "Progressing", "message"),
            "ReplicaSet \"" + rs + "\" has timed out progressing.");
}

TEST_F(DeploymentTest, ProportionalScalingMidRollout) {
  cp_.Create(kDeploys, Deployment("web", 10, Rolling(3, 2)));
  Drive("web");
  SetImage("web", "img:2");
  Drive("web", /*ready=*/false, nullptr, /*rounds=*/2);  // stuck mid-rollout
  int64_t old_before = GetInt(RsWithImage("img:1"), {"spec", "replicas"});
  int64_t new_before = GetInt(RsWithImage("img:2"), {"spec", "replicas"});
  ASSERT_EQ(old_before + new_before, 13);
  Patch("web", json::object{{"spec", json::object{{"replicas", 20}}}});
  SyncDeploy("web");
  int64_t old_after = GetInt(RsWithImage("img:1"), {"spec", "replicas"});
  int64_t new_after = GetInt(RsWithImage("img:2"), {"spec", "replicas"});
  EXPECT_EQ(old_after + new_after, 23);  // 20 + maxSurge 3
  EXPECT_GT(old_after, old_before);
  EXPECT_GT(new_after, new_before);
  Drive("web");
  EXPECT_EQ(GetInt(RsWithImage("img:2"), {"spec", "replicas"}), 20);
}

}  // namespace
}  // namespace berth::controllers

namespace berth::controllers {
namespace {

// A foreign ReplicaSet holding the computed name bumps collisionCount and the hash changes.
TEST_F(DeploymentTest, NameCollisionBumpsCollisionCount) {
  cp_.Create(kDeploys, Deployment("web", 1, Rolling("25%", "25%")));
  std::string hash =
      deployutil::ComputeTemplateHash(*GetPath(Deploy("web"), {"spec", "template"}), std::nullopt);
  json::object foreign{
      {"apiVersion", "apps/v1"},
      {"kind", "ReplicaSet"},
      {"metadata", json::object{{"name", "web-" + hash}}},
      {"spec", json::object{{"replicas", 0},
                            {"selector",
                             json::object{{"matchLabels", json::object{{"app", "other"}}}}},
                            {"template", PodTemplate("other", "img:9")}}}};
  cp_.Create(kRss, foreign);
  WaitCaches();
  EXPECT_FALSE(dc_->SyncNow("default/web").ok());  // AlreadyExists: retried
  EXPECT_EQ(GetInt(Deploy("web"), {"status", "collisionCount"}), 1);
  Drive("web");
  json::object rs = RsWithImage("img:1");
  ASSERT_FALSE(rs.empty());
  EXPECT_NE(GetString(rs, {"metadata", "name"}), "web-" + hash);
  EXPECT_EQ(GetString(rs, {"metadata", "name"}),
            "web-" + deployutil::ComputeTemplateHash(*GetPath(Deploy("web"), {"spec", "template"}),
                                                     1));
}

// The event handlers and work queues, not SyncNow: workers converge on their own.
TEST_F(DeploymentTest, WorkersRollOutFromInformerEvents) {
  rsc_->Start(1);
  dc_->Start(1);
  cp_.Create(kDeploys, Deployment("web", 3, Rolling(1, 0)));
  ASSERT_TRUE(testing::ControlPlane::WaitFor([&] { return CountPods() == 3; }));
  MarkAllReady();
  ASSERT_TRUE(testing::ControlPlane::WaitFor([&] { return Complete("web"); }));
  SetImage("web", "img:2");
  // Keep playing kubelet until the new template runs everywhere.
  ASSERT_TRUE(testing::ControlPlane::WaitFor([&] {
    MarkAllReady();
    json::object rs = RsWithImage("img:2");
    return !rs.empty() && CountPods(GetString(rs, {"metadata", "name"}), true) == 3 &&
           CountPods() == 3 && Complete("web");
  }));
  EXPECT_EQ(Revision(Deploy("web")), "2");
  rsc_->Stop();
  dc_->Stop();
}

}  // namespace
}  // namespace berth::controllers
