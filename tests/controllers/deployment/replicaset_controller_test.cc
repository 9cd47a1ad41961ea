// ReplicaSetController against a real in-process API server: scaling, adoption and release,
// replacement of deleted pods, status counts and minReadySeconds, events.
#include <chrono>

#include "controllers/common/owner_refs.h"
#include "fixture.h"

namespace berth::controllers {
namespace {

json::object ReplicaSet(const std::string& name, int replicas, int min_ready = 0) {
  return json::object{
      {"apiVersion", "apps/v1"},
      {"kind", "ReplicaSet"},
      {"metadata", json::object{{"name", name}}},
      {"spec", json::object{{"replicas", replicas},
                            {"minReadySeconds", min_ready},
                            {"selector",
                             json::object{{"matchLabels", json::object{{"app", name}}}}},
                            {"template", PodTemplate(name, "img:1")}}}};
}

using ReplicaSetTest = ControllersTest;

TEST_F(ReplicaSetTest, ScalesUpAndDownAndWritesStatus) {
  cp_.Create(kRss, ReplicaSet("web", 3));
  SyncAllRs();
  EXPECT_EQ(CountPods("web"), 3);
  for (const auto& p : cp_.List(kPods)) {
    EXPECT_EQ(GetString(p, {"metadata", "name"}).rfind("web-", 0), 0u);
    EXPECT_TRUE(IsControlledBy(p.as_object(), GetString(Rs("web"), {"metadata", "uid"})));
  }
  // A second sync before anything changed creates nothing more.
  SyncAllRs();
  EXPECT_EQ(CountPods("web"), 3);
  json::object rs = Rs("web");
  EXPECT_EQ(GetInt(rs, {"status", "replicas"}), 3);
  EXPECT_EQ(GetInt(rs, {"status", "fullyLabeledReplicas"}), 3);
  EXPECT_EQ(GetInt(rs, {"status", "readyReplicas"}), 0);
  EXPECT_EQ(GetInt(rs, {"status", "observedGeneration"}), 1);

  MarkAllReady();
  SyncAllRs();
  rs = Rs("web");
  EXPECT_EQ(GetInt(rs, {"status", "readyReplicas"}), 3);
  EXPECT_EQ(GetInt(rs, {"status", "availableReplicas"}), 3);

  // Scale down to 1: the unready pod goes first.
  auto r = cp_.client()->Patch(std::string(kRss) + "/web",
                               json::object{{"spec", json::object{{"replicas", 1}}}},
                               client::PatchType::kMerge);
  ASSERT_TRUE(r.ok());
  SyncAllRs();
  EXPECT_EQ(CountPods("web"), 1);
  SyncAllRs();  // the deletions observed
  rs = Rs("web");
  EXPECT_EQ(GetInt(rs, {"status", "replicas"}), 1);
  EXPECT_EQ(GetInt(rs, {"status", "observedGeneration"}), 2);
}

TEST_F(ReplicaSetTest, DeletesUnreadyPodsFirst) {
  cp_.Create(kRss, ReplicaSet("web", 3));
  SyncAllRs();
  auto pods = cp_.List(kPods);
  ASSERT_EQ(pods.size(), 3u);
  MarkReady(pods[0].as_object());
  std::string ready_name = GetString(pods[0], {"metadata", "name"});
  ASSERT_TRUE(cp_.client()
                  ->Patch(std::string(kRss) + "/web",
                          json::object{{"spec", json::object{{"replicas", 1}}}},
                          client::PatchType::kMerge)
                  .ok());
  SyncAllRs();
  auto left = cp_.List(kPods);
  ASSERT_EQ(left.size(), 1u);
  EXPECT_EQ(GetString(left[0], {"metadata", "name"}), ready_name);
}

TEST_F(ReplicaSetTest, ReplacesDeletedPod) {
  cp_.Create(kRss, ReplicaSet("web", 2));
  SyncAllRs();
  auto pods = cp_.List(kPods);
  ASSERT_EQ(pods.size(), 2u);
  std::string victim = GetString(pods[0], {"metadata", "name"});
  ASSERT_TRUE(cp_.client()->Delete(std::string(kPods) + "/" + victim).ok());
  SyncAllRs();
  auto now = cp_.List(kPods);
  ASSERT_EQ(now.size(), 2u);
  for (const auto& p : now) EXPECT_NE(GetString(p, {"metadata", "name"}), victim);
}

TEST_F(ReplicaSetTest, AdoptsOrphansAndReleasesNonMatching) {
  json::object orphan{{"apiVersion", "v1"},
                      {"kind", "Pod"},
                      {"metadata", json::object{{"name", "stray"},
                                                {"labels", json::object{{"app", "web"}}}}},
                      {"spec", PodTemplate("web", "img:1")["spec"]}};
  cp_.Create(kPods, orphan);
  cp_.Create(kRss, ReplicaSet("web", 2));
  SyncAllRs();
  std::string uid = GetString(Rs("web"), {"metadata", "uid"});
  EXPECT_EQ(CountPods(), 2);  // the orphan counts: only one new pod
  EXPECT_TRUE(IsControlledBy(cp_.MustGet(std::string(kPods) + "/stray"), uid));

  // Relabel it: it is released and replaced.
  ASSERT_TRUE(cp_.client()
                  ->Patch(std::string(kPods) + "/stray",
                          json::object{{"metadata",
                                        json::object{{"labels",
                                                      json::object{{"app", "other"}}}}}},
                          client::PatchType::kMerge)
                  .ok());
  SyncAllRs();
  EXPECT_FALSE(IsControlledBy(cp_.MustGet(std::string(kPods) + "/stray"), uid));
  EXPECT_EQ(CountPods("web"), 2);
  EXPECT_EQ(CountPods(), 3);
}

TEST_F(ReplicaSetTest, MinReadySecondsDelaysAvailabilityAndRequeues) {
  cp_.Create(kRss, ReplicaSet("web", 2, /*min_ready=*/10));
  SyncAllRs();
  MarkAllReady();
  SyncAllRs();
  json::object rs = Rs("web");
  EXPECT_EQ(GetInt(rs, {"status", "readyReplicas"}), 2);
  EXPECT_EQ(GetInt(rs, {"status", "availableReplicas"}), 0);
  // Drain the queue, then the requeue for the availability moment fires after 10 s.
  std::string key;
  while (rsc_->queue().Len() > 0) {
    rsc_->queue().Get(&key);
    rsc_->queue().Done(key);
  }
  EXPECT_EQ(rsc_->queue().Len(), 0u);
  cp_.clock.Advance(std::chrono::seconds(11));
  ASSERT_TRUE(NextKey(rsc_->queue(), &key));
  EXPECT_EQ(key, "default/web");
  rsc_->queue().Done(key);
  SyncAllRs();
  EXPECT_EQ(GetInt(Rs("web"), {"status", "availableReplicas"}), 2);
}

TEST_F(ReplicaSetTest, RecordsEvents) {
  cp_.Create(kRss, ReplicaSet("web", 1));
  SyncAllRs();
  cp_.recorder()->Flush();
  bool found = false;
  for (const auto& e : cp_.List("/api/v1/namespaces/default/events")) {
    if (GetString(e, {"reason"}) == "SuccessfulCreate" &&
        GetString(e, {"message"}).rfind("Created pod: web-", 0) == 0) {
      found = true;
    }
  }
  EXPECT_TRUE(found);
}

}  // namespace
}  // namespace berth::controllers
