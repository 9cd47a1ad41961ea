// The ReplicaSet controller in its ReplicationController flavour, against a real in-process API
// server: the map selector, scaling and status through the core/v1 replicationcontrollers/status
// endpoint, adoption and release, and pods of an RC left alone by a ReplicaSet-flavoured peer.
#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <string>

#include "controllers/common/owner_refs.h"
#include "controllers/deployment/replicaset_controller.h"
#include "controllers/testing/control_plane.h"

namespace berth::controllers {
namespace {

constexpr const char* kPods = "/api/v1/namespaces/default/pods";
constexpr const char* kRcs = "/api/v1/namespaces/default/replicationcontrollers";

json::object Rc(const std::string& name, int replicas) {
  json::object labels{{"app", name}};
  return json::object{
      {"apiVersion", "v1"},
      {"kind", "ReplicationController"},
      {"metadata", json::object{{"name", name}}},
      {"spec",
       json::object{{"replicas", replicas},
                    {"selector", labels},
                    {"template",
                     json::object{{"metadata", json::object{{"labels", labels}}},
                                  {"spec", json::object{{"containers",
                                                         json::array{json::object{
                                                             {"name", "c"},
                                                             {"image", "img:1"}}}}}}}}}}};
}

class ReplicationControllerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    rcc_ = std::make_unique<ReplicaSetController>(cp_.ctx(),
                                                  ReplicaSetController::ReplicationControllers());
    rsc_ = std::make_unique<ReplicaSetController>(cp_.ctx());
    cp_.StartInformers();
  }
  void TearDown() override { cp_.StopInformers(); }

  void WaitCaches() {
    for (auto [collection, all] :
         {std::pair<const char*, const char*>{kPods, "/api/v1/pods"},
          {kRcs, "/api/v1/replicationcontrollers"}}) {
      std::map<std::string, std::string> want;
      for (const auto& o : cp_.List(collection)) {
        want[GetString(o, {"metadata", "name"})] = GetString(o, {"metadata", "resourceVersion"});
      }
      controller::Informer* inf = cp_.informers()->For(all);
      ASSERT_TRUE(testing::ControlPlane::WaitFor([&] {
        std::map<std::string, std::string> have;
        for (const auto& o : inf->List("default")) {
          have[GetString(*o, {"metadata", "name"})] =
              GetString(*o, {"metadata", "resourceVersion"});
        }
        return have == want;
      })) << collection;
    }
  }
  void SyncAll() {
    WaitCaches();
    for (const auto& rc : cp_.List(kRcs)) {
      Status st = rcc_->SyncNow("default/" + GetString(rc, {"metadata", "name"}));
      EXPECT_TRUE(st.ok()) << st.ToString();
    }
    WaitCaches();
  }
  json::object Get(const std::string& name) { return cp_.MustGet(std::string(kRcs) + "/" + name); }
  int CountControlled(const std::string& uid) {
    int n = 0;
    for (const auto& p : cp_.List(kPods)) n += IsControlledBy(p.as_object(), uid) ? 1 : 0;
    return n;
  }

  testing::ControlPlane cp_;
  std::unique_ptr<ReplicaSetController> rcc_;
  std::unique_ptr<ReplicaSetController> rsc_;
};

TEST_F(ReplicationControllerTest, CreatesPodsWithRcOwnerAndWritesStatus) {
  EXPECT_STREQ(rcc_->Name(), "replicationcontroller");
  cp_.Create(kRcs, Rc("web", 3));
  SyncAll();
  json::object rc = Get("web");
  std::string uid = GetString(rc, {"metadata", "uid"});
  EXPECT_EQ(CountControlled(uid), 3);
  for (const auto& p : cp_.List(kPods)) {
    const json::object* ref = ControllerRefOf(p.as_object());
    ASSERT_NE(ref, nullptr);
    EXPECT_EQ(GetString(*ref, {"kind"}), "ReplicationController");
    EXPECT_EQ(GetString(*ref, {"apiVersion"}), "v1");
    EXPECT_EQ(GetString(p, {"metadata", "name"}).rfind("web-", 0), 0u);
  }
  SyncAll();
  rc = Get("web");
  EXPECT_EQ(GetInt(rc, {"status", "replicas"}), 3);
  EXPECT_EQ(GetInt(rc, {"status", "fullyLabeledReplicas"}), 3);
  EXPECT_EQ(GetInt(rc, {"status", "observedGeneration"}), 1);
  // The ReplicaSet-flavoured controller does not touch them (its informer has no RCs).
  EXPECT_TRUE(rsc_->SyncNow("default/web").ok());
  EXPECT_EQ(CountControlled(uid), 3);

  ASSERT_TRUE(cp_.client()
                  ->Patch(std::string(kRcs) + "/web",
                          json::object{{"spec", json::object{{"replicas", 1}}}},
                          client::PatchType::kMerge)
                  .ok());
  SyncAll();
  SyncAll();
  EXPECT_EQ(CountControlled(uid), 1);
  EXPECT_EQ(GetInt(Get("web"), {"status", "replicas"}), 1);
}

TEST_F(ReplicationControllerTest, AdoptsMatchingOrphanAndReleasesRelabelled) {
  json::object orphan{{"apiVersion", "v1"},
                      {"kind", "Pod"},
                      {"metadata", json::object{{"name", "stray"},
                                                {"labels", json::object{{"app", "web"}}}}},
                      {"spec", Rc("web", 1)["spec"].as_object()["template"].as_object()["spec"]}};
  cp_.Create(kPods, orphan);
  // An orphan event is mapped to RCs by their label map.
  cp_.Create(kRcs, Rc("web", 1));
  SyncAll();
  std::string uid = GetString(Get("web"), {"metadata", "uid"});
  EXPECT_TRUE(IsControlledBy(cp_.MustGet(std::string(kPods) + "/stray"), uid));
  EXPECT_EQ(cp_.List(kPods).size(), 1u);

  ASSERT_TRUE(cp_.client()
                  ->Patch(std::string(kPods) + "/stray",
                          json::object{{"metadata",
                                        json::object{{"labels",
                                                      json::object{{"app", "gone"}}}}}},
                          client::PatchType::kMerge)
                  .ok());
  SyncAll();
  EXPECT_FALSE(IsControlledBy(cp_.MustGet(std::string(kPods) + "/stray"), uid));
  EXPECT_EQ(CountControlled(uid), 1);
  EXPECT_EQ(cp_.List(kPods).size(), 2u);
}

TEST_F(ReplicationControllerTest, SelectorDefaultsToTemplateLabels) {
  json::object rc = Rc("web", 2);
  rc["spec"].as_object().erase("selector");
  cp_.Create(kRcs, rc);
  json::object stored = Get("web");
  EXPECT_EQ(GetString(stored, {"spec", "selector", "app"}), "web");
  EXPECT_EQ(GetString(stored, {"metadata", "labels", "app"}), "web");
  SyncAll();
  EXPECT_EQ(CountControlled(GetString(stored, {"metadata", "uid"})), 2);
}

}  // namespace
}  // namespace berth::controllers
