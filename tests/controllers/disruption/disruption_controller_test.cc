// DisruptionController against a real in-process API server: PDB status math (counts and
// percentages, owners' scale), disruptedPods bookkeeping with simulated time, and eviction
// allowed/denied through the pods/eviction subresource.
#include "controllers/disruption/disruption_controller.h"

#include <gtest/gtest.h>

#include "../testing/control_plane.h"
#include "controllers/disruption/budget_math.h"

namespace berth::controllers {
namespace {

class DisruptionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    cp.clock.Advance(std::chrono::system_clock::now() - cp.clock.Now());
    ctrl = std::make_unique<DisruptionController>(cp.ctx());
    cp.StartInformers();
  }
  // The informers' handlers call into ctrl, which is destroyed before cp: stop them first.
  void TearDown() override { cp.StopInformers(); }

  static json::object Template(const std::string& app) {
    return json::object{
        {"metadata", json::object{{"labels", json::object{{"app", app}}}}},
        {"spec",
         json::object{{"containers", json::array{json::object{{"name", "c"}, {"image", "x"}}}}}}};
  }
  // An apps/v1 workload object (no controller runs for it here); returns it as created.
  json::object Workload(const std::string& plural, const std::string& kind, const std::string& name,
                        int64_t replicas, const std::string& app, json::object owner = {}) {
    json::object meta{{"name", name}};
    if (!owner.empty()) meta["ownerReferences"] = json::array{owner};
    json::object spec{{"replicas", replicas},
                      {"selector", json::object{{"matchLabels", json::object{{"app", app}}}}},
                      {"template", Template(app)}};
    if (kind == "StatefulSet") spec["serviceName"] = name;
    return cp.Create(
        "/apis/apps/v1/namespaces/default/" + plural,
        json::object{
            {"apiVersion", "apps/v1"}, {"kind", kind}, {"metadata", meta}, {"spec", spec}});
  }
  static json::object OwnerRef(const json::object& owner) {
    return json::object{{"apiVersion", "apps/v1"},
                        {"kind", GetString(owner, {"kind"})},
                        {"name", GetString(owner, {"metadata", "name"})},
                        {"uid", GetString(owner, {"metadata", "uid"})},
                        {"controller", true}};
  }
  void CreatePod(const std::string& name, const std::string& app, bool ready,
                 json::object owner = {}) {
    json::object meta{{"name", name}, {"labels", json::object{{"app", app}}}};
    if (!owner.empty()) meta["ownerReferences"] = json::array{owner};
    cp.Create("/api/v1/namespaces/default/pods", json::object{{"apiVersion", "v1"},
                                                              {"kind", "Pod"},
                                                              {"metadata", meta},
                                                              {"spec", Template(app)["spec"]}});
    SetReady(name, ready);
  }
  void SetReady(const std::string& name, bool ready) {
    json::object patch{
        {"status", json::object{{"phase", "Running"},
                                {"conditions",
                                 json::array{json::object{
                                     {"type", "Ready"}, {"status", ready ? "True" : "False"}}}}}}};
    auto r = cp.client()->Patch("/api/v1/namespaces/default/pods/" + name + "/status", patch);
    ASSERT_TRUE(r.ok()) << r.status().ToString();
  }
  void CreatePdb(const std::string& name, const std::string& app, const char* field,
                 json::value value) {
    cp.Create(
        "/apis/policy/v1/namespaces/default/poddisruptionbudgets",
        json::object{
            {"apiVersion", "policy/v1"},
            {"kind", "PodDisruptionBudget"},
            {"metadata", json::object{{"name", name}}},
            {"spec", json::object{{field, value},
                                  {"selector",
                                   json::object{{"matchLabels", json::object{{"app", app}}}}}}}});
  }
  json::object Pdb(const std::string& name) {
    return cp.MustGet("/apis/policy/v1/namespaces/default/poddisruptionbudgets/" + name);
  }
  static std::string Cond(const json::object& pdb, const char* field) {
    const json::value* c = GetPath(pdb, {"status", "conditions"});
    if (!c || !c->is_array()) return "";
    for (const auto& x : c->as_array()) {
      if (GetString(x, {"type"}) == "DisruptionAllowed") return GetString(x, {field});
    }
    return "";
  }
  // Waits for the informers to match the server (pods, the PDB, apps objects), then syncs.
  Status SyncCaught(const std::string& pdb) {
    for (const char* path :
         {"/api/v1/pods", "/apis/policy/v1/poddisruptionbudgets", "/apis/apps/v1/replicasets",
          "/apis/apps/v1/deployments", "/apis/apps/v1/statefulsets"}) {
      std::string list_path =
          std::string(path).insert(std::string(path).rfind('/'), "/namespaces/default");
      auto items = cp.List(list_path);
      EXPECT_TRUE(cp.WaitFor([&] {
        auto* inf = cp.informers()->For(path);
        if (inf->List("default").size() != items.size()) return false;
        for (const auto& o : items) {
          auto c = inf->Get("default", GetString(o, {"metadata", "name"}));
          if (!c || GetString(*c, {"metadata", "resourceVersion"}) !=
                        GetString(o, {"metadata", "resourceVersion"})) {
            return false;
          }
        }
        return true;
      })) << path;
    }
    return ctrl->SyncNow("default/" + pdb);
  }
  client::Interface* api() { return cp.client(); }
  StatusOr<json::value> Evict(const std::string& pod) {
    return api()->Create(
        "/api/v1/namespaces/default/pods/" + pod + "/eviction",
        json::object{{"apiVersion", "policy/v1"},
                     {"kind", "Eviction"},
                     {"metadata", json::object{{"name", pod}, {"namespace", "default"}}}});
  }

  testing::ControlPlane cp;
  std::unique_ptr<DisruptionController> ctrl;
};

TEST(BudgetMathTest, ScaledValues) {
  EXPECT_EQ(*ScaledIntOrPercent(json::value(3), 10, true), 3);
  EXPECT_EQ(*ScaledIntOrPercent(json::value("50%"), 3, true), 2);
  EXPECT_EQ(*ScaledIntOrPercent(json::value("50%"), 3, false), 1);
  EXPECT_EQ(*ScaledIntOrPercent(json::value("34%"), 3, true), 2);
  EXPECT_EQ(*ScaledIntOrPercent(json::value("100%"), 7, true), 7);
  EXPECT_FALSE(ScaledIntOrPercent(json::value("abc"), 3, true).ok());
  EXPECT_EQ(DisruptionsAllowed(3, 2, 3), 1);
  EXPECT_EQ(DisruptionsAllowed(1, 2, 3), 0);
  EXPECT_EQ(DisruptionsAllowed(3, 0, 0), 0);
}

TEST_F(DisruptionTest, MinAvailableCount) {
  CreatePod("a", "web", true);
  CreatePod("b", "web", true);
  CreatePod("c", "web", false);
  CreatePod("other", "db", true);
  CreatePdb("web", "web", "minAvailable", 2);
  ASSERT_TRUE(SyncCaught("web").ok());
  json::object p = Pdb("web");
  EXPECT_EQ(GetInt(p, {"status", "expectedPods"}), 3);
  EXPECT_EQ(GetInt(p, {"status", "desiredHealthy"}), 2);
  EXPECT_EQ(GetInt(p, {"status", "currentHealthy"}), 2);
  EXPECT_EQ(GetInt(p, {"status", "disruptionsAllowed"}), 0);
  EXPECT_EQ(GetInt(p, {"status", "observedGeneration"}), GetInt(p, {"metadata", "generation"}));
  EXPECT_EQ(Cond(p, "status"), "False");
  EXPECT_EQ(Cond(p, "reason"), "InsufficientPods");

  SetReady("c", true);
  ASSERT_TRUE(SyncCaught("web").ok());
  p = Pdb("web");
  EXPECT_EQ(GetInt(p, {"status", "currentHealthy"}), 3);
  EXPECT_EQ(GetInt(p, {"status", "disruptionsAllowed"}), 1);
  EXPECT_EQ(Cond(p, "status"), "True");
  EXPECT_EQ(Cond(p, "reason"), "SufficientPods");

  // Nothing changed: no write.
  std::string rv = GetString(p, {"metadata", "resourceVersion"});
  ASSERT_TRUE(SyncCaught("web").ok());
  EXPECT_EQ(GetString(Pdb("web"), {"metadata", "resourceVersion"}), rv);
}

TEST_F(DisruptionTest, MaxUnavailablePercentUsesDeploymentScale) {
  json::object d = Workload("deployments", "Deployment", "web", 4, "web");
  json::object rs = Workload("replicasets", "ReplicaSet", "web-1", 3, "web", OwnerRef(d));
  for (const char* n : {"w1", "w2", "w3"}) CreatePod(n, "web", true, OwnerRef(rs));
  CreatePdb("web", "web", "maxUnavailable", "30%");  // ceil(1.2) = 2 of 4
  ASSERT_TRUE(SyncCaught("web").ok());
  json::object p = Pdb("web");
  EXPECT_EQ(GetInt(p, {"status", "expectedPods"}), 4);
  EXPECT_EQ(GetInt(p, {"status", "desiredHealthy"}), 2);
  EXPECT_EQ(GetInt(p, {"status", "currentHealthy"}), 3);
  EXPECT_EQ(GetInt(p, {"status", "disruptionsAllowed"}), 1);
}

TEST_F(DisruptionTest, MinAvailablePercentUsesStatefulSetScale) {
  json::object ss = Workload("statefulsets", "StatefulSet", "db", 3, "db");
  for (const char* n : {"db-0", "db-1", "db-2"}) CreatePod(n, "db", true, OwnerRef(ss));
  CreatePdb("db", "db", "minAvailable", "50%");
  ASSERT_TRUE(SyncCaught("db").ok());
  json::object p = Pdb("db");
  EXPECT_EQ(GetInt(p, {"status", "expectedPods"}), 3);
  EXPECT_EQ(GetInt(p, {"status", "desiredHealthy"}), 2);
  EXPECT_EQ(GetInt(p, {"status", "disruptionsAllowed"}), 1);
}

TEST_F(DisruptionTest, UnknownControllerFailsSafe) {
  json::object owner{{"apiVersion", "batch/v1"},
                     {"kind", "Job"},
                     {"name", "j"},
                     {"uid", "00000000-0000-0000-0000-000000000001"},
                     {"controller", true}};
  CreatePod("j1", "job", true, owner);
  CreatePod("j2", "job", true, owner);
  CreatePdb("job", "job", "maxUnavailable", 1);
  ASSERT_TRUE(SyncCaught("job").ok());
  json::object p = Pdb("job");
  EXPECT_EQ(GetInt(p, {"status", "disruptionsAllowed"}), 0);
  EXPECT_EQ(Cond(p, "reason"), "SyncFailed");
  EXPECT_EQ(Cond(p, "message"), "found no controllers for pod \"j1\"");
}

TEST_F(DisruptionTest, EvictionThroughBudgetAndDisruptedPods) {
  for (const char* n : {"a", "b", "c"}) CreatePod(n, "web", true);
  CreatePdb("web", "web", "minAvailable", 2);
  // Before the controller has computed a status, evictions wait.
  auto early = Evict("a");
  ASSERT_FALSE(early.ok());
  EXPECT_EQ(early.status().reason(), Reason::kTooManyRequests);

  ASSERT_TRUE(SyncCaught("web").ok());
  EXPECT_EQ(GetInt(Pdb("web"), {"status", "disruptionsAllowed"}), 1);
  ASSERT_TRUE(Evict("a").ok());  // not on a node: deleted at once
  auto denied = Evict("b");
  ASSERT_FALSE(denied.ok());
  EXPECT_EQ(denied.status().reason(), Reason::kTooManyRequests);
  EXPECT_EQ(denied.status().message(),
            "Cannot evict pod as it would violate the pod's disruption budget.");
  ASSERT_FALSE(api()->Get("/api/v1/namespaces/default/pods/a").ok());

  // The controller drops the entry of the deleted pod and recomputes: 2 healthy, none allowed.
  ASSERT_TRUE(SyncCaught("web").ok());
  json::object p = Pdb("web");
  EXPECT_EQ(GetPath(p, {"status", "disruptedPods"}), nullptr);
  EXPECT_EQ(GetInt(p, {"status", "currentHealthy"}), 2);
  EXPECT_EQ(GetInt(p, {"status", "disruptionsAllowed"}), 0);

  // A replacement comes up: one disruption allowed again.
  CreatePod("d", "web", true);
  ASSERT_TRUE(SyncCaught("web").ok());
  EXPECT_EQ(GetInt(Pdb("web"), {"status", "disruptionsAllowed"}), 1);
  EXPECT_TRUE(Evict("b").ok());
}

TEST_F(DisruptionTest, DisruptedPodsNotDeletedExpireAfterTwoMinutes) {
  for (const char* n : {"a", "b", "c"}) CreatePod(n, "web", true);
  CreatePdb("web", "web", "minAvailable", 1);
  ASSERT_TRUE(SyncCaught("web").ok());
  // An eviction recorded but whose delete never happened.
  json::object p = Pdb("web");
  p["status"].as_object()["disruptedPods"] = json::object{{"a", FormatRfc3339(cp.clock.Now())}};
  p["status"].as_object()["disruptionsAllowed"] = 1;
  ASSERT_TRUE(
      api()->Update("/apis/policy/v1/namespaces/default/poddisruptionbudgets/web/status", p).ok());
  ASSERT_TRUE(SyncCaught("web").ok());
  p = Pdb("web");
  EXPECT_EQ(GetInt(p, {"status", "currentHealthy"}), 2) << "a is not counted while disrupted";
  EXPECT_NE(GetPath(p, {"status", "disruptedPods", "a"}), nullptr);
  cp.clock.Advance(std::chrono::seconds(121));
  ASSERT_TRUE(SyncCaught("web").ok());
  p = Pdb("web");
  EXPECT_EQ(GetPath(p, {"status", "disruptedPods"}), nullptr);
  EXPECT_EQ(GetInt(p, {"status", "currentHealthy"}), 3);
  EXPECT_EQ(GetInt(p, {"status", "disruptionsAllowed"}), 2);
}

}  // namespace
}  // namespace berth::controllers
