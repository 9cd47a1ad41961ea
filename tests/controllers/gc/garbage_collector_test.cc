// GarbageCollector against a real in-process API server: background, orphan and foreground
// cascades, several owners, dangling references, chains, cluster-scoped owners.
#include "controllers/gc/garbage_collector.h"

#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "../testing/control_plane.h"

namespace berth::controllers {
namespace {

const std::string kCms = "/api/v1/namespaces/default/configmaps";
const std::string kPods = "/api/v1/namespaces/default/pods";
const std::string kRss = "/apis/apps/v1/namespaces/default/replicasets";

json::object Ref(const json::object& owner, bool block = false, bool controller = false) {
  json::object r{{"apiVersion", GetString(owner, {"apiVersion"})},
                 {"kind", GetString(owner, {"kind"})},
                 {"name", GetString(owner, {"metadata", "name"})},
                 {"uid", GetString(owner, {"metadata", "uid"})}};
  if (block) r["blockOwnerDeletion"] = true;
  if (controller) r["controller"] = true;
  return r;
}

json::object Meta(const std::string& name, json::array refs, json::array finalizers = {}) {
  json::object m{{"name", name}};
  if (!refs.empty()) m["ownerReferences"] = std::move(refs);
  if (!finalizers.empty()) m["finalizers"] = std::move(finalizers);
  return m;
}

json::object ConfigMap(const std::string& name, json::array refs = {},
                       json::array finalizers = {}) {
  return json::object{{"apiVersion", "v1"},
                      {"kind", "ConfigMap"},
                      {"metadata", Meta(name, std::move(refs), std::move(finalizers))}};
}

json::object PodSpec() {
  return json::object{
      {"containers", json::array{json::object{{"name", "c"}, {"image", "busybox"}}}}};
}

json::object Pod(const std::string& name, json::array refs = {}, json::array finalizers = {}) {
  json::object m = Meta(name, std::move(refs), std::move(finalizers));
  m["labels"] = json::object{{"app", "web"}};
  return json::object{{"apiVersion", "v1"}, {"kind", "Pod"}, {"metadata", m}, {"spec", PodSpec()}};
}

json::object ReplicaSet(const std::string& name, json::array refs = {}) {
  json::object labels{{"app", "web"}};
  return json::object{
      {"apiVersion", "apps/v1"},
      {"kind", "ReplicaSet"},
      {"metadata", Meta(name, std::move(refs))},
      {"spec", json::object{{"replicas", 0},
                            {"selector", json::object{{"matchLabels", labels}}},
                            {"template", json::object{{"metadata", json::object{{"labels", labels}}},
                                                      {"spec", PodSpec()}}}}}};
}

json::object DeleteOpts(const std::string& policy) {
  return json::object{{"propagationPolicy", policy}};
}

class GarbageCollectorTest : public ::testing::Test {
 protected:
  void TearDown() override {
    gc_.reset();
    cp_.informers()->StopAll();
  }

  // Creates the collector, starts informers and two workers.
  void StartGc() {
    gc_ = std::make_unique<GarbageCollector>(cp_.ctx());
    ASSERT_TRUE(gc_->discovery_status().ok()) << gc_->discovery_status().ToString();
    cp_.StartInformers();
    gc_->Start(2);
  }

  // Waits for `cond`, advancing simulated time so that retry back-offs come due.
  bool Eventually(const std::function<bool()>& cond) {
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while (!cond()) {
      if (std::chrono::steady_clock::now() > deadline) return false;
      cp_.clock.Advance(std::chrono::milliseconds(100));
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return true;
  }
  // True while `cond` holds for a while (used to check that nothing is collected).
  bool Stays(const std::function<bool()>& cond) {
    for (int i = 0; i < 30; ++i) {
      if (!cond()) return false;
      cp_.clock.Advance(std::chrono::milliseconds(100));
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return cond();
  }

  bool Exists(const std::string& path) { return cp_.client()->Get(path).ok(); }
  bool Gone(const std::string& path) {
    auto r = cp_.client()->Get(path);
    return !r.ok() && r.status().reason() == Reason::kNotFound;
  }
  json::object Get(const std::string& path) { return cp_.MustGet(path); }
  void Delete(const std::string& path, const std::string& policy) {
    Status st = cp_.client()->Delete(path, DeleteOpts(policy));
    ASSERT_TRUE(st.ok()) << st.ToString();
  }
  static std::vector<std::string> OwnerUids(const json::object& obj) {
    std::vector<std::string> out;
    const json::value* refs = GetPath(obj, {"metadata", "ownerReferences"});
    if (refs && refs->is_array()) {
      for (const auto& r : refs->as_array()) out.push_back(GetString(r, {"uid"}));
    }
    return out;
  }
  static bool Deleting(const json::object& obj) {
    return GetPath(obj, {"metadata", "deletionTimestamp"}) != nullptr;
  }
  void Release(const std::string& path) {
    auto r = cp_.client()->Patch(path, json::object{{"metadata", json::object{{"finalizers",
                                                                               nullptr}}}});
    ASSERT_TRUE(r.ok()) << r.status().ToString();
  }

  testing::ControlPlane cp_;
  std::unique_ptr<GarbageCollector> gc_;
};

TEST_F(GarbageCollectorTest, DiscoversOwnableResources) {
  StartGc();
  const auto& cat = gc_->catalog();
  const gc::ApiResource* rs = cat.Find("apps/v1", "ReplicaSet");
  ASSERT_NE(rs, nullptr);
  EXPECT_TRUE(rs->namespaced);
  EXPECT_EQ(rs->ObjectPath("default", "web"), "/apis/apps/v1/namespaces/default/replicasets/web");
  const gc::ApiResource* node = cat.Find("v1", "Node");
  ASSERT_NE(node, nullptr);
  EXPECT_FALSE(node->namespaced);
  EXPECT_EQ(node->ObjectPath("ignored", "n1"), "/api/v1/nodes/n1");
  EXPECT_NE(cat.Find("v1", "Pod"), nullptr);
  EXPECT_NE(cat.Find("v1", "ConfigMap"), nullptr);
  EXPECT_EQ(cat.Find("v1", "Event"), nullptr);
  EXPECT_EQ(cat.Find("v1", "Binding"), nullptr);  // create only
  for (const auto& r : cat.Watched()) {
    EXPECT_EQ(r.plural.find('/'), std::string::npos) << r.plural;
    EXPECT_NE(r.plural, "events");
  }
}

TEST_F(GarbageCollectorTest, BackgroundDeletesDependents) {
  StartGc();
  json::object owner = cp_.Create(kCms, ConfigMap("owner"));
  cp_.Create(kCms, ConfigMap("dep-cm", {Ref(owner)}));
  cp_.Create(kPods, Pod("dep-pod", {Ref(owner, true, true)}));
  cp_.Create(kCms, ConfigMap("bystander"));
  ASSERT_TRUE(Stays([&] { return Exists(kCms + "/dep-cm") && Exists(kPods + "/dep-pod"); }));
  Delete(kCms + "/owner", "Background");
  EXPECT_TRUE(Gone(kCms + "/owner")) << "background deletion removes the owner at once";
  EXPECT_TRUE(Eventually([&] { return Gone(kCms + "/dep-cm") && Gone(kPods + "/dep-pod"); }));
  EXPECT_TRUE(Exists(kCms + "/bystander"));
}

TEST_F(GarbageCollectorTest, OrphanKeepsDependentsWithoutTheReference) {
  StartGc();
  json::object rs = cp_.Create(kRss, ReplicaSet("web"));
  json::object other = cp_.Create(kCms, ConfigMap("other"));
  cp_.Create(kPods, Pod("web-a", {Ref(rs, true, true)}));
  cp_.Create(kPods, Pod("web-b", {Ref(rs, true, true), Ref(other)}));
  Delete(kRss + "/web", "Orphan");
  EXPECT_TRUE(Eventually([&] { return Gone(kRss + "/web"); }));
  json::object a = Get(kPods + "/web-a");
  EXPECT_TRUE(OwnerUids(a).empty());
  EXPECT_EQ(GetPath(a, {"metadata", "ownerReferences"}), nullptr);
  EXPECT_FALSE(Deleting(a));
  json::object b = Get(kPods + "/web-b");
  EXPECT_EQ(OwnerUids(b), std::vector<std::string>{GetString(other, {"metadata", "uid"})});
  EXPECT_TRUE(Stays([&] { return Exists(kPods + "/web-a") && Exists(kPods + "/web-b"); }));
}

TEST_F(GarbageCollectorTest, OrphanWithoutDependentsJustGoes) {
  StartGc();
  cp_.Create(kCms, ConfigMap("lonely"));
  Delete(kCms + "/lonely", "Orphan");
  EXPECT_TRUE(Eventually([&] { return Gone(kCms + "/lonely"); }));
}

TEST_F(GarbageCollectorTest, ForegroundOwnerWaitsForBlockingDependents) {
  StartGc();
  json::object owner = cp_.Create(kCms, ConfigMap("fg-owner"));
  cp_.Create(kPods, Pod("fg-pod", {Ref(owner, true, true)}));
  // A blocking dependent that cannot go until the test releases its finalizer.
  cp_.Create(kCms, ConfigMap("fg-held", {Ref(owner, true)}, {"example.com/hold"}));
  cp_.Create(kCms, ConfigMap("fg-nonblocking", {Ref(owner)}));
  Delete(kCms + "/fg-owner", "Foreground");
  EXPECT_TRUE(Eventually([&] {
    return Gone(kPods + "/fg-pod") && Gone(kCms + "/fg-nonblocking") &&
           Deleting(Get(kCms + "/fg-held"));
  }));
  json::object o = Get(kCms + "/fg-owner");
  EXPECT_TRUE(Deleting(o));
  EXPECT_TRUE(Stays([&] { return Exists(kCms + "/fg-owner"); }))
      << "the owner must wait for its blocking dependent";
  Release(kCms + "/fg-held");
  EXPECT_TRUE(Eventually([&] { return Gone(kCms + "/fg-held") && Gone(kCms + "/fg-owner"); }));
}

TEST_F(GarbageCollectorTest, ForegroundWithoutDependentsJustGoes) {
  StartGc();
  cp_.Create(kCms, ConfigMap("fg-alone"));
  Delete(kCms + "/fg-alone", "Foreground");
  EXPECT_TRUE(Eventually([&] { return Gone(kCms + "/fg-alone"); }));
}

TEST_F(GarbageCollectorTest, DependentWithRemainingOwnerSurvives) {
  StartGc();
  json::object a = cp_.Create(kCms, ConfigMap("owner-a"));
  json::object b = cp_.Create(kCms, ConfigMap("owner-b"));
  cp_.Create(kCms, ConfigMap("shared", {Ref(a), Ref(b)}));
  Delete(kCms + "/owner-a", "Background");
  std::string b_uid = GetString(b, {"metadata", "uid"});
  EXPECT_TRUE(Eventually([&] {
    return OwnerUids(Get(kCms + "/shared")) == std::vector<std::string>{b_uid};
  })) << "the reference to the deleted owner is removed";
  EXPECT_TRUE(Stays([&] { return Exists(kCms + "/shared"); }));
  Delete(kCms + "/owner-b", "Background");
  EXPECT_TRUE(Eventually([&] { return Gone(kCms + "/shared"); }));
}

TEST_F(GarbageCollectorTest, DanglingReferencesAtStartAreCollected) {
  json::object real = cp_.Create(kCms, ConfigMap("real"));
  json::object ghost_owner{{"apiVersion", "v1"},
                           {"kind", "ConfigMap"},
                           {"metadata", json::object{{"name", "ghost"},
                                                     {"uid", "0f0f0f0f-dead-beef-0000-000000000001"}}}};
  cp_.Create(kCms, ConfigMap("orphaned", {Ref(ghost_owner)}));
  // Same name as a live object, but another uid: the owner it meant is gone.
  json::object stale = real;
  stale["metadata"].as_object()["uid"] = "0f0f0f0f-dead-beef-0000-000000000002";
  cp_.Create(kCms, ConfigMap("stale-ref", {Ref(stale)}));
  cp_.Create(kCms, ConfigMap("owned", {Ref(real)}));
  StartGc();
  EXPECT_TRUE(Eventually([&] { return Gone(kCms + "/orphaned") && Gone(kCms + "/stale-ref"); }));
  EXPECT_TRUE(Stays([&] { return Exists(kCms + "/owned"); }));
}

TEST_F(GarbageCollectorTest, BackgroundChainCascades) {
  StartGc();
  json::object deploy = cp_.Create(kCms, ConfigMap("deploy"));
  json::object rs = cp_.Create(kRss, ReplicaSet("deploy-1", {Ref(deploy, true, true)}));
  for (const char* p : {"deploy-1-a", "deploy-1-b"}) cp_.Create(kPods, Pod(p, {Ref(rs, true, true)}));
  Delete(kCms + "/deploy", "Background");
  EXPECT_TRUE(Eventually([&] {
    return Gone(kRss + "/deploy-1") && Gone(kPods + "/deploy-1-a") &&
           Gone(kPods + "/deploy-1-b");
  }));
}

TEST_F(GarbageCollectorTest, ForegroundChainDeletesBottomUp) {
  StartGc();
  json::object deploy = cp_.Create(kCms, ConfigMap("fdeploy"));
  json::object rs = cp_.Create(kRss, ReplicaSet("fdeploy-1", {Ref(deploy, true, true)}));
  cp_.Create(kPods, Pod("fdeploy-1-a", {Ref(rs, true, true)}));
  cp_.Create(kPods, Pod("fdeploy-1-held", {Ref(rs, true, true)}, {"example.com/hold"}));
  Delete(kCms + "/fdeploy", "Foreground");
  // The middle of the chain is deleted in the foreground too, since it has dependents.
  EXPECT_TRUE(Eventually([&] {
    json::object r = Get(kRss + "/fdeploy-1");
    const json::value* f = GetPath(r, {"metadata", "finalizers"});
    return Deleting(r) && f && f->is_array() && !f->as_array().empty() &&
           Gone(kPods + "/fdeploy-1-a");
  }));
  EXPECT_TRUE(Stays([&] { return Exists(kCms + "/fdeploy") && Exists(kRss + "/fdeploy-1"); }));
  Release(kPods + "/fdeploy-1-held");
  EXPECT_TRUE(Eventually([&] {
    return Gone(kPods + "/fdeploy-1-held") && Gone(kRss + "/fdeploy-1") &&
           Gone(kCms + "/fdeploy");
  }));
}

TEST_F(GarbageCollectorTest, OrphanInTheMiddleOfAChain) {
  StartGc();
  json::object deploy = cp_.Create(kCms, ConfigMap("odeploy"));
  json::object rs = cp_.Create(kRss, ReplicaSet("odeploy-1", {Ref(deploy, true, true)}));
  cp_.Create(kPods, Pod("odeploy-1-a", {Ref(rs, true, true)}));
  Delete(kRss + "/odeploy-1", "Orphan");
  EXPECT_TRUE(Eventually([&] { return Gone(kRss + "/odeploy-1"); }));
  EXPECT_TRUE(OwnerUids(Get(kPods + "/odeploy-1-a")).empty());
  EXPECT_TRUE(Exists(kCms + "/odeploy"));
  Delete(kCms + "/odeploy", "Background");
  EXPECT_TRUE(Stays([&] { return Exists(kPods + "/odeploy-1-a"); }));
}

TEST_F(GarbageCollectorTest, ClusterScopedOwner) {
  StartGc();
  json::object node = cp_.Create("/api/v1/nodes",
                                 json::object{{"apiVersion", "v1"},
                                              {"kind", "Node"},
                                              {"metadata", json::object{{"name", "gc-node"}}}});
  cp_.Create(kCms, ConfigMap("node-lease-like", {Ref(node)}));
  ASSERT_TRUE(Stays([&] { return Exists(kCms + "/node-lease-like"); }));
  Delete("/api/v1/nodes/gc-node", "Background");
  EXPECT_TRUE(Eventually([&] { return Gone(kCms + "/node-lease-like"); }));
}

}  // namespace
}  // namespace berth::controllers
