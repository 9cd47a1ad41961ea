// StatefulSetController against a real in-process API server: ordered creation gated on
// readiness, ordered scale down, replacement under the same name, rolling update with partition,
// OnDelete, Parallel policy and status.
#include "controllers/statefulset/statefulset_controller.h"

#include <gtest/gtest.h>

#include <map>
#include <set>
#include <string>
#include <tuple>

#include "controllers/common/controller_revision.h"
#include "controllers/testing/control_plane.h"

namespace berth::controllers {
namespace {

constexpr const char* kPods = "/api/v1/namespaces/default/pods";
constexpr const char* kSets = "/apis/apps/v1/namespaces/default/statefulsets";
constexpr const char* kRevs = "/apis/apps/v1/namespaces/default/controllerrevisions";

json::object Template(const std::string& image) {
  return json::object{
      {"metadata", json::object{{"labels", json::object{{"app", "web"}}}}},
      {"spec",
       json::object{{"containers", json::array{json::object{{"name", "c"}, {"image", image}}}}}}};
}

json::object StatefulSet(int replicas, const std::string& policy = "OrderedReady",
                         json::object strategy = {}) {
  json::object spec{{"replicas", replicas},
                    {"serviceName", "web"},
                    {"podManagementPolicy", policy},
                    {"selector", json::object{{"matchLabels", json::object{{"app", "web"}}}}},
                    {"template", Template("img:1")}};
  if (!strategy.empty()) spec["updateStrategy"] = std::move(strategy);
  return json::object{{"apiVersion", "apps/v1"},
                      {"kind", "StatefulSet"},
                      {"metadata", json::object{{"name", "web"}}},
                      {"spec", std::move(spec)}};
}

class StatefulSetTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ssc_ = std::make_unique<StatefulSetController>(cp_.ctx());
    cp_.StartInformers();
  }
  // The informers' handlers call into the controller, destroyed before cp_: stop them first.
  void TearDown() override { cp_.StopInformers(); }

  void WaitCaches() {
    for (auto [collection, all] : {std::pair<const char*, const char*>{kPods, "/api/v1/pods"},
                                   {kSets, "/apis/apps/v1/statefulsets"},
                                   {kRevs, kControllerRevisionsPath}}) {
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

  void Sync() {
    WaitCaches();
    Status st = ssc_->SyncNow("default/web");
    ASSERT_TRUE(st.ok()) << st.ToString();
    WaitCaches();
  }

  // pod name -> pod.
  std::map<std::string, json::object> Pods() {
    std::map<std::string, json::object> out;
    for (const auto& p : cp_.List(kPods)) {
      out[GetString(p.as_object(), {"metadata", "name"})] = p.as_object();
    }
    return out;
  }
  std::set<std::string> PodNames() {
    std::set<std::string> out;
    for (const auto& [name, p] : Pods()) out.insert(name);
    return out;
  }
  std::string ImageOf(const std::string& pod) {
    return Pods()[pod].at("spec").at("containers").at(0).at("image").as_string().c_str();
  }

  void MarkReady(const std::string& pod) {
    json::object patch{
        {"status", json::object{{"phase", "Running"},
                                {"conditions",
                                 json::array{json::object{
                                     {"type", "Ready"},
                                     {"status", "True"},
                                     {"lastTransitionTime", FormatRfc3339(cp_.clock.Now())}}}}}}};
    auto r = cp_.client()->Patch(std::string(kPods) + "/" + pod + "/status", patch,
                                 client::PatchType::kMerge);
    ASSERT_TRUE(r.ok()) << r.status().ToString();
  }
  void MarkAllReady() {
    for (const auto& name : PodNames()) MarkReady(name);
  }

  // Syncs and marks pods ready until `n` pods exist and all are ready.
  void BringUp(size_t n) {
    for (int i = 0; i < 20; i++) {
      Sync();
      MarkAllReady();
      if (PodNames().size() == n) break;
    }
    Sync();
    ASSERT_EQ(PodNames().size(), n);
  }

  void PatchSet(const json::object& spec_patch) {
    auto r = cp_.client()->Patch(std::string(kSets) + "/web", json::object{{"spec", spec_patch}},
                                 client::PatchType::kMerge);
    ASSERT_TRUE(r.ok()) << r.status().ToString();
  }

  json::object SetStatus() {
    json::object set = cp_.MustGet(std::string(kSets) + "/web");
    const json::value* st = set.if_contains("status");
    return st && st->is_object() ? st->as_object() : json::object{};
  }

  testing::ControlPlane cp_;
  std::unique_ptr<StatefulSetController> ssc_;
};

TEST_F(StatefulSetTest, OrderedCreationWaitsForReadiness) {
  cp_.Create(kSets, StatefulSet(3));
  Sync();
  EXPECT_EQ(PodNames(), (std::set<std::string>{"web-0"}));
  json::object pod = Pods()["web-0"];
  EXPECT_EQ(GetString(pod, {"metadata", "labels", "statefulset.kubernetes.io/pod-name"}), "web-0");
  EXPECT_EQ(GetString(pod, {"metadata", "labels", "apps.kubernetes.io/pod-index"}), "0");
  EXPECT_EQ(GetString(pod, {"spec", "hostname"}), "web-0");
  EXPECT_EQ(GetString(pod, {"spec", "subdomain"}), "web");
  json::array revs = cp_.List(kRevs);
  ASSERT_EQ(revs.size(), 1u);
  std::string rev_name = GetString(revs[0].as_object(), {"metadata", "name"});
  EXPECT_EQ(GetString(pod, {"metadata", "labels", kControllerRevisionHashLabel}), rev_name);

  // web-1 waits for web-0 to be Running and Ready.
  Sync();
  Sync();
  EXPECT_EQ(PodNames().size(), 1u);
  MarkReady("web-0");
  Sync();
  EXPECT_EQ(PodNames(), (std::set<std::string>{"web-0", "web-1"}));
  Sync();
  EXPECT_EQ(PodNames().size(), 2u);
  MarkReady("web-1");
  Sync();
  EXPECT_EQ(PodNames().size(), 3u);
  MarkReady("web-2");
  Sync();
  json::object st = SetStatus();
  EXPECT_EQ(GetInt(st, {"replicas"}), 3);
  EXPECT_EQ(GetInt(st, {"readyReplicas"}), 3);
  EXPECT_EQ(GetInt(st, {"availableReplicas"}), 3);
  EXPECT_EQ(GetInt(st, {"currentReplicas"}), 3);
  EXPECT_EQ(GetInt(st, {"updatedReplicas"}), 3);
  EXPECT_EQ(GetString(st, {"currentRevision"}), rev_name);
  EXPECT_EQ(GetString(st, {"updateRevision"}), rev_name);
  EXPECT_EQ(GetInt(st, {"observedGeneration"}), 1);
  EXPECT_EQ(GetInt(st, {"collisionCount"}, -1), 0);

  cp_.recorder()->Flush();
  std::set<std::string> messages;
  for (const auto& e : cp_.List("/api/v1/namespaces/default/events")) {
    if (GetString(e.as_object(), {"reason"}) == "SuccessfulCreate") {
      messages.insert(GetString(e.as_object(), {"message"}));
    }
  }
  EXPECT_TRUE(messages.count("create Pod web-0 in StatefulSet web successful"));
  EXPECT_TRUE(messages.count("create Pod web-2 in StatefulSet web successful"));
}

TEST_F(StatefulSetTest, ScaleDownHighestOrdinalFirstOneAtATime) {
  cp_.Create(kSets, StatefulSet(3));
  BringUp(3);
  PatchSet(json::object{{"replicas", 1}});
  Sync();
  EXPECT_EQ(PodNames(), (std::set<std::string>{"web-0", "web-1"}));
  Sync();
  EXPECT_EQ(PodNames(), (std::set<std::string>{"web-0"}));
  Sync();
  EXPECT_EQ(GetInt(SetStatus(), {"replicas"}), 1);
}

TEST_F(StatefulSetTest, ScaleDownWaitsWhileAnotherPodIsUnhealthy) {
  cp_.Create(kSets, StatefulSet(3));
  BringUp(3);
  // web-0 stops being ready: nothing is removed until it recovers.
  auto r = cp_.client()->Patch(
      std::string(kPods) + "/web-0/status",
      json::object{
          {"status", json::object{{"conditions", json::array{json::object{{"type", "Ready"},
                                                                          {"status", "False"}}}}}}},
      client::PatchType::kMerge);
  ASSERT_TRUE(r.ok());
  PatchSet(json::object{{"replicas", 2}});
  Sync();
  Sync();
  EXPECT_EQ(PodNames().size(), 3u);
  MarkReady("web-0");
  Sync();
  EXPECT_EQ(PodNames(), (std::set<std::string>{"web-0", "web-1"}));
}

TEST_F(StatefulSetTest, DeletedAndFailedPodsAreReplacedWithTheSameName) {
  cp_.Create(kSets, StatefulSet(2));
  BringUp(2);
  std::string old_uid = GetString(Pods()["web-1"], {"metadata", "uid"});
  ASSERT_TRUE(cp_.client()->Delete(std::string(kPods) + "/web-1").ok());
  Sync();
  auto pods = Pods();
  ASSERT_EQ(pods.count("web-1"), 1u);
  EXPECT_NE(GetString(pods["web-1"], {"metadata", "uid"}), old_uid);

  MarkReady("web-1");
  std::string uid0 = GetString(Pods()["web-0"], {"metadata", "uid"});
  auto r = cp_.client()->Patch(std::string(kPods) + "/web-0/status",
                               json::object{{"status", json::object{{"phase", "Failed"}}}},
                               client::PatchType::kMerge);
  ASSERT_TRUE(r.ok());
  Sync();
  pods = Pods();
  ASSERT_EQ(pods.count("web-0"), 1u);
  EXPECT_NE(GetString(pods["web-0"], {"metadata", "uid"}), uid0);
  EXPECT_TRUE(GetString(pods["web-0"], {"status", "phase"}) != "Failed");
}

TEST_F(StatefulSetTest, RollingUpdateFromHighestOrdinalRespectingPartition) {
  cp_.Create(kSets, StatefulSet(3, "OrderedReady",
                                json::object{{"type", "RollingUpdate"},
                                             {"rollingUpdate", json::object{{"partition", 1}}}}));
  BringUp(3);
  std::string rev1 = GetString(SetStatus(), {"currentRevision"});
  PatchSet(json::object{{"template", Template("img:2")}});
  std::vector<std::string> order;
  for (int i = 0; i < 12; i++) {
    std::set<std::string> before = PodNames();
    Sync();
    for (const auto& n : before) {
      if (!PodNames().count(n)) order.push_back(n);
    }
    EXPECT_GE(PodNames().size(), 2u) << "more than one pod down at once";
    MarkAllReady();
  }
  Sync();
  EXPECT_EQ(order, (std::vector<std::string>{"web-2", "web-1"}));
  EXPECT_EQ(ImageOf("web-2"), "img:2");
  EXPECT_EQ(ImageOf("web-1"), "img:2");
  EXPECT_EQ(ImageOf("web-0"), "img:1");  // below the partition
  json::object st = SetStatus();
  EXPECT_EQ(GetInt(st, {"updatedReplicas"}), 2);
  EXPECT_EQ(GetInt(st, {"currentReplicas"}), 1);
  EXPECT_EQ(GetString(st, {"currentRevision"}), rev1);
  EXPECT_NE(GetString(st, {"updateRevision"}), rev1);
  EXPECT_EQ(GetString(Pods()["web-1"], {"metadata", "labels", kControllerRevisionHashLabel}),
            GetString(st, {"updateRevision"}));

  // A deleted pod below the partition comes back at the current revision.
  ASSERT_TRUE(cp_.client()->Delete(std::string(kPods) + "/web-0").ok());
  Sync();
  EXPECT_EQ(ImageOf("web-0"), "img:1");
  MarkReady("web-0");

  // Lowering the partition finishes the rollout.
  PatchSet(json::object{
      {"updateStrategy", json::object{{"type", "RollingUpdate"},
                                      {"rollingUpdate", json::object{{"partition", 0}}}}}});
  for (int i = 0; i < 4; i++) {
    Sync();
    MarkAllReady();
  }
  Sync();
  EXPECT_EQ(ImageOf("web-0"), "img:2");
  st = SetStatus();
  EXPECT_EQ(GetString(st, {"currentRevision"}), GetString(st, {"updateRevision"}));
  EXPECT_EQ(GetInt(st, {"currentReplicas"}), 3);
  EXPECT_EQ(GetInt(st, {"updatedReplicas"}), 3);
}

TEST_F(StatefulSetTest, RollingUpdateWaitsForUpdatedPodToBeReady) {
  cp_.Create(kSets, StatefulSet(2));
  BringUp(2);
  PatchSet(json::object{{"template", Template("img:2")}});
  Sync();  // deletes web-1
  Sync();  // recreates it
  EXPECT_EQ(ImageOf("web-1"), "img:2");
  Sync();
  Sync();
  EXPECT_EQ(ImageOf("web-0"), "img:1");  // web-1 is not ready yet
  MarkReady("web-1");
  Sync();
  EXPECT_EQ(PodNames(), (std::set<std::string>{"web-1"}));
}

TEST_F(StatefulSetTest, OnDeleteOnlyReplacesDeletedPods) {
  cp_.Create(kSets, StatefulSet(2, "OrderedReady", json::object{{"type", "OnDelete"}}));
  BringUp(2);
  PatchSet(json::object{{"template", Template("img:2")}});
  Sync();
  Sync();
  EXPECT_EQ(ImageOf("web-0"), "img:1");
  EXPECT_EQ(ImageOf("web-1"), "img:1");
  ASSERT_TRUE(cp_.client()->Delete(std::string(kPods) + "/web-0").ok());
  Sync();
  EXPECT_EQ(ImageOf("web-0"), "img:2");
  EXPECT_EQ(ImageOf("web-1"), "img:1");
  Sync();
  EXPECT_EQ(GetInt(SetStatus(), {"updatedReplicas"}), 1);
}

TEST_F(StatefulSetTest, ParallelCreatesAndDeletesAtOnce) {
  cp_.Create(kSets, StatefulSet(3, "Parallel"));
  Sync();
  EXPECT_EQ(PodNames(), (std::set<std::string>{"web-0", "web-1", "web-2"}));
  PatchSet(json::object{{"replicas", 0}});
  Sync();
  EXPECT_TRUE(PodNames().empty());
  Sync();
  EXPECT_EQ(GetInt(SetStatus(), {"replicas"}), 0);
}

TEST_F(StatefulSetTest, RevertedTemplateReusesItsRevisionWithANewNumber) {
  cp_.Create(kSets, StatefulSet(1));
  BringUp(1);
  std::string rev1 = GetString(SetStatus(), {"updateRevision"});
  PatchSet(json::object{{"template", Template("img:2")}});
  Sync();
  std::string rev2 = GetString(SetStatus(), {"updateRevision"});
  EXPECT_NE(rev1, rev2);
  PatchSet(json::object{{"template", Template("img:1")}});
  Sync();
  EXPECT_EQ(GetString(SetStatus(), {"updateRevision"}), rev1);
  std::map<std::string, int64_t> numbers;
  for (const auto& r : cp_.List(kRevs)) {
    numbers[GetString(r.as_object(), {"metadata", "name"})] = GetInt(r.as_object(), {"revision"});
  }
  EXPECT_EQ(numbers.size(), 2u);
  EXPECT_EQ(numbers[rev1], 3);
  EXPECT_EQ(numbers[rev2], 2);
}

TEST_F(StatefulSetTest, RevisionHistoryIsTrimmed) {
  json::object set = StatefulSet(0);
  set["spec"].as_object()["revisionHistoryLimit"] = 1;
  cp_.Create(kSets, set);
  Sync();
  for (const char* image : {"img:2", "img:3", "img:4"}) {
    PatchSet(json::object{{"template", Template(image)}});
    Sync();
  }
  Sync();
  // The update revision plus one old one.
  EXPECT_EQ(cp_.List(kRevs).size(), 2u);
}

TEST_F(StatefulSetTest, WorkersFollowPodReadinessWithoutManualSyncs) {
  ssc_->Start(1);
  cp_.Create(kSets, StatefulSet(3));
  for (int ord = 0; ord < 3; ord++) {
    std::string name = "web-" + std::to_string(ord);
    ASSERT_TRUE(testing::ControlPlane::WaitFor([&] { return PodNames().count(name) > 0; })) << name;
    MarkReady(name);
  }
  ASSERT_TRUE(
      testing::ControlPlane::WaitFor([&] { return GetInt(SetStatus(), {"readyReplicas"}) == 3; }));
  EXPECT_EQ(PodNames().size(), 3u);
  ssc_->Stop();
}

}  // namespace
}  // namespace berth::controllers
