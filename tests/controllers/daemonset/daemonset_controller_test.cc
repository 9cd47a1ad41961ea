// DaemonSetController against a real in-process API server: pods per eligible node, node
// selection, taints and tolerations, node events, rolling and OnDelete updates, status counts.
#include "controllers/daemonset/daemonset_controller.h"

#include <gtest/gtest.h>

#include <map>
#include <set>
#include <string>

#include "controllers/common/controller_revision.h"
#include "controllers/daemonset/daemon_pod.h"
#include "controllers/testing/control_plane.h"

namespace berth::controllers {
namespace {

constexpr const char* kPods = "/api/v1/namespaces/default/pods";
constexpr const char* kNodes = "/api/v1/nodes";
constexpr const char* kDss = "/apis/apps/v1/namespaces/default/daemonsets";
constexpr const char* kRevs = "/apis/apps/v1/namespaces/default/controllerrevisions";

json::object Node(const std::string& name, json::object labels = {}, json::array taints = {}) {
  json::object node{{"apiVersion", "v1"},
                    {"kind", "Node"},
                    {"metadata", json::object{{"name", name}, {"labels", std::move(labels)}}}};
  if (!taints.empty()) node["spec"] = json::object{{"taints", std::move(taints)}};
  return node;
}

json::object Taint(const std::string& key, const std::string& effect) {
  return json::object{{"key", key}, {"value", "x"}, {"effect", effect}};
}

json::object DaemonSet(const std::string& name, const std::string& image,
                       json::object extra_spec = {}, json::object strategy = {}) {
  json::object pod_spec{{"containers", json::array{json::object{{"name", "c"}, {"image", image}}}}};
  for (const auto& kv : extra_spec) pod_spec[kv.key()] = kv.value();
  json::object spec{
      {"selector", json::object{{"matchLabels", json::object{{"app", name}}}}},
      {"template", json::object{{"metadata", json::object{{"labels", json::object{{"app", name}}}}},
                                {"spec", std::move(pod_spec)}}}};
  if (!strategy.empty()) spec["updateStrategy"] = std::move(strategy);
  return json::object{{"apiVersion", "apps/v1"},
                      {"kind", "DaemonSet"},
                      {"metadata", json::object{{"name", name}}},
                      {"spec", std::move(spec)}};
}

class DaemonSetTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dsc_ = std::make_unique<DaemonSetController>(cp_.ctx());
    cp_.StartInformers();
  }
  // The informers' handlers call into the controller, destroyed before cp_: stop them first.
  void TearDown() override { cp_.StopInformers(); }

  // Waits until the informer caches hold exactly what the server has.
  void WaitCaches() {
    for (auto [collection, all, ns] :
         {std::tuple<const char*, const char*, const char*>{kPods, "/api/v1/pods", "default"},
          {kNodes, "/api/v1/nodes", ""},
          {kDss, "/apis/apps/v1/daemonsets", "default"},
          {kRevs, kControllerRevisionsPath, "default"}}) {
      std::map<std::string, std::string> want;
      for (const auto& o : cp_.List(collection)) {
        want[GetString(o, {"metadata", "name"})] = GetString(o, {"metadata", "resourceVersion"});
      }
      controller::Informer* inf = cp_.informers()->For(all);
      std::string nsv = ns;
      ASSERT_TRUE(testing::ControlPlane::WaitFor([&] {
        std::map<std::string, std::string> have;
        for (const auto& o : inf->List(nsv)) {
          have[GetString(*o, {"metadata", "name"})] =
              GetString(*o, {"metadata", "resourceVersion"});
        }
        return have == want;
      })) << collection;
    }
  }

  void Sync(const std::string& name = "agent") {
    WaitCaches();
    Status st = dsc_->SyncNow("default/" + name);
    ASSERT_TRUE(st.ok()) << st.ToString();
    WaitCaches();
  }

  // node -> pods (by the node the pod is pinned to), live pods only.
  std::map<std::string, std::vector<json::object>> PodsByNode() {
    std::map<std::string, std::vector<json::object>> out;
    for (const auto& p : cp_.List(kPods)) {
      out[daemon::TargetNodeOf(p.as_object())].push_back(p.as_object());
    }
    return out;
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
    for (const auto& p : cp_.List(kPods)) MarkReady(GetString(p.as_object(), {"metadata", "name"}));
  }

  json::object DsStatus(const std::string& name = "agent") {
    json::object ds = cp_.MustGet(std::string(kDss) + "/" + name);
    const json::value* st = ds.if_contains("status");
    return st && st->is_object() ? st->as_object() : json::object{};
  }

  void Patch(const std::string& path, const json::object& patch) {
    auto r = cp_.client()->Patch(path, patch, client::PatchType::kMerge);
    ASSERT_TRUE(r.ok()) << r.status().ToString();
  }

  testing::ControlPlane cp_;
  std::unique_ptr<DaemonSetController> dsc_;
};

TEST_F(DaemonSetTest, OnePodPerNodePinnedByAffinityWithDefaultTolerations) {
  for (const char* n : {"n1", "n2", "n3"}) cp_.Create(kNodes, Node(n));
  cp_.Create(kDss, DaemonSet("agent", "img:1"));
  Sync();
  auto by_node = PodsByNode();
  ASSERT_EQ(by_node.size(), 3u);
  for (const char* n : {"n1", "n2", "n3"}) {
    ASSERT_EQ(by_node[n].size(), 1u) << n;
    const json::object& pod = by_node[n][0];
    EXPECT_TRUE(GetString(pod, {"spec", "nodeName"}).empty());  // the scheduler binds
    const json::value* refs = GetPath(pod, {"metadata", "ownerReferences"});
    ASSERT_TRUE(refs && refs->is_array() && refs->as_array().size() == 1);
    EXPECT_EQ(GetString(refs->as_array()[0].as_object(), {"kind"}), "DaemonSet");
    std::set<std::string> tolerated;
    for (const auto& t : GetPath(pod, {"spec", "tolerations"})->as_array()) {
      tolerated.insert(GetString(t.as_object(), {"key"}) + ":" +
                       GetString(t.as_object(), {"effect"}));
    }
    for (const char* want :
         {"node.kubernetes.io/not-ready:NoExecute", "node.kubernetes.io/unreachable:NoExecute",
          "node.kubernetes.io/disk-pressure:NoSchedule",
          "node.kubernetes.io/memory-pressure:NoSchedule",
          "node.kubernetes.io/pid-pressure:NoSchedule",
          "node.kubernetes.io/unschedulable:NoSchedule"}) {
      EXPECT_TRUE(tolerated.count(want)) << want;
    }
  }
  // One revision; pods carry its hash.
  json::array revs = cp_.List(kRevs);
  ASSERT_EQ(revs.size(), 1u);
  std::string hash =
      GetString(revs[0].as_object(), {"metadata", "labels", kControllerRevisionHashLabel});
  EXPECT_EQ(GetString(revs[0].as_object(), {"metadata", "name"}), "agent-" + hash);
  EXPECT_EQ(GetInt(revs[0].as_object(), {"revision"}), 1);
  EXPECT_EQ(GetString(by_node["n1"][0], {"metadata", "labels", kControllerRevisionHashLabel}),
            hash);
  // Idempotent.
  Sync();
  EXPECT_EQ(cp_.List(kPods).size(), 3u);
  EXPECT_EQ(cp_.List(kRevs).size(), 1u);
  // Events.
  cp_.recorder()->Flush();
  int creates = 0;
  for (const auto& e : cp_.List("/api/v1/namespaces/default/events")) {
    if (GetString(e.as_object(), {"reason"}) == "SuccessfulCreate") {
      creates++;
      EXPECT_EQ(GetString(e.as_object(), {"message"}).rfind("Created pod: agent-", 0), 0u);
    }
  }
  EXPECT_EQ(creates, 3);
}

TEST_F(DaemonSetTest, NodeSelectorTaintsAndTolerations) {
  json::object ssd{{"disk", "ssd"}};
  cp_.Create(kNodes, Node("plain", ssd));
  cp_.Create(kNodes, Node("hdd", json::object{{"disk", "hdd"}}));
  cp_.Create(kNodes, Node("dedicated", ssd, json::array{Taint("dedicated", "NoSchedule")}));
  cp_.Create(kNodes, Node("special", ssd, json::array{Taint("special", "NoExecute")}));
  cp_.Create(kNodes, Node("cordoned", ssd,
                          json::array{Taint("node.kubernetes.io/unschedulable", "NoSchedule")}));
  json::object extra{
      {"nodeSelector", ssd},
      {"tolerations", json::array{json::object{
                          {"key", "special"}, {"operator", "Exists"}, {"effect", "NoExecute"}}}}};
  cp_.Create(kDss, DaemonSet("agent", "img:1", extra));
  Sync();
  auto by_node = PodsByNode();
  EXPECT_EQ(by_node.size(), 3u);
  EXPECT_EQ(by_node.count("plain"), 1u);
  EXPECT_EQ(by_node.count("special"), 1u);
  EXPECT_EQ(by_node.count("cordoned"), 1u);
  EXPECT_EQ(by_node.count("hdd"), 0u);
  EXPECT_EQ(by_node.count("dedicated"), 0u);

  // Labelling the hdd node as ssd gives it a pod (the node event queues the DaemonSet).
  Patch(std::string(kNodes) + "/hdd", json::object{{"metadata", json::object{{"labels", ssd}}}});
  ASSERT_TRUE(testing::ControlPlane::WaitFor([&] { return dsc_->queue().Len() > 0; }));
  Sync();
  EXPECT_EQ(PodsByNode().count("hdd"), 1u);

  // An untolerated NoSchedule taint keeps a running pod; an untolerated NoExecute evicts it.
  Patch(
      std::string(kNodes) + "/plain",
      json::object{{"spec", json::object{{"taints", json::array{Taint("other", "NoSchedule")}}}}});
  Sync();
  EXPECT_EQ(PodsByNode().count("plain"), 1u);
  EXPECT_EQ(GetInt(DsStatus(), {"desiredNumberScheduled"}), 3);
  EXPECT_EQ(GetInt(DsStatus(), {"numberMisscheduled"}), 1);
  Patch(std::string(kNodes) + "/plain",
        json::object{{"spec", json::object{{"taints", json::array{Taint("other", "NoExecute")}}}}});
  Sync();
  EXPECT_EQ(PodsByNode().count("plain"), 0u);
  Sync();  // status is computed from the cache the sync started with
  EXPECT_EQ(GetInt(DsStatus(), {"numberMisscheduled"}), 0);
}

TEST_F(DaemonSetTest, NewNodeGetsPodAndDeletedNodeLosesPinnedPod) {
  cp_.Create(kNodes, Node("n1"));
  cp_.Create(kDss, DaemonSet("agent", "img:1"));
  Sync();
  EXPECT_EQ(cp_.List(kPods).size(), 1u);
  while (dsc_->queue().Len() > 0) {
    std::string k;
    dsc_->queue().Get(&k);
    dsc_->queue().Done(k);
  }
  cp_.Create(kNodes, Node("n2"));
  ASSERT_TRUE(testing::ControlPlane::WaitFor([&] { return dsc_->queue().Len() > 0; }));
  Sync();
  auto by_node = PodsByNode();
  ASSERT_EQ(by_node.size(), 2u);
  EXPECT_EQ(by_node["n2"].size(), 1u);
  EXPECT_EQ(GetInt(DsStatus(), {"desiredNumberScheduled"}), 2);

  ASSERT_TRUE(cp_.client()->Delete(std::string(kNodes) + "/n2").ok());
  Sync();
  by_node = PodsByNode();
  EXPECT_EQ(by_node.size(), 1u);
  EXPECT_EQ(by_node.count("n1"), 1u);
}

TEST_F(DaemonSetTest, StatusCounts) {
  cp_.Create(kNodes, Node("a", json::object{{"role", "x"}}));
  cp_.Create(kNodes, Node("b", json::object{{"role", "x"}}));
  cp_.Create(kNodes, Node("c"));
  json::object extra{{"nodeSelector", json::object{{"role", "x"}}}};
  json::object ds = DaemonSet("agent", "img:1", extra);
  ds["spec"].as_object()["minReadySeconds"] = 10;
  cp_.Create(kDss, ds);
  Sync();
  Sync();
  json::object st = DsStatus();
  EXPECT_EQ(GetInt(st, {"desiredNumberScheduled"}), 2);
  EXPECT_EQ(GetInt(st, {"currentNumberScheduled"}), 2);
  EXPECT_EQ(GetInt(st, {"numberReady"}), 0);
  EXPECT_EQ(GetInt(st, {"numberAvailable"}), 0);
  EXPECT_EQ(GetInt(st, {"numberUnavailable"}), 2);
  EXPECT_EQ(GetInt(st, {"updatedNumberScheduled"}), 2);
  EXPECT_EQ(GetInt(st, {"numberMisscheduled"}), 0);
  EXPECT_EQ(GetInt(st, {"observedGeneration"}), 1);

  MarkReady(PodsByNode()["a"][0].at("metadata").at("name").as_string().c_str());
  Sync();
  st = DsStatus();
  EXPECT_EQ(GetInt(st, {"numberReady"}), 1);
  EXPECT_EQ(GetInt(st, {"numberAvailable"}), 0);  // minReadySeconds not yet passed
  cp_.clock.Advance(std::chrono::seconds(11));
  Sync();
  st = DsStatus();
  EXPECT_EQ(GetInt(st, {"numberAvailable"}), 1);
  EXPECT_EQ(GetInt(st, {"numberUnavailable"}), 1);
}

TEST_F(DaemonSetTest, RollingUpdateOneNodeAtATime) {
  for (const char* n : {"n1", "n2", "n3"}) cp_.Create(kNodes, Node(n));
  cp_.Create(kDss, DaemonSet("agent", "img:1"));
  Sync();
  MarkAllReady();
  Sync();
  std::string old_hash = GetString(cp_.List(kRevs)[0].as_object(),
                                   {"metadata", "labels", kControllerRevisionHashLabel});
  Patch(std::string(kDss) + "/agent",
        json::object{
            {"spec", json::object{{"template",
                                   DaemonSet("agent", "img:2")["spec"].as_object()["template"]}}}});
  int rounds = 0;
  std::set<std::string> replaced_nodes;
  while (rounds++ < 10) {
    Sync();  // deletes at most one old pod
    auto pods = cp_.List(kPods);
    int old_count = 0, missing = 3 - static_cast<int>(pods.size());
    for (const auto& p : pods) {
      if (GetString(p.as_object(), {"metadata", "labels", kControllerRevisionHashLabel}) ==
          old_hash) {
        old_count++;
      }
    }
    EXPECT_LE(missing, 1) << "more than maxUnavailable nodes down at once";
    if (old_count == 0 && missing == 0) break;
    Sync();  // recreates the missing pod from the new template
    EXPECT_EQ(cp_.List(kPods).size(), 3u);
    MarkAllReady();
  }
  Sync();
  json::object st = DsStatus();
  EXPECT_EQ(GetInt(st, {"updatedNumberScheduled"}), 3);
  EXPECT_EQ(GetInt(st, {"numberReady"}), 3);
  EXPECT_EQ(GetInt(st, {"observedGeneration"}), 2);
  for (const auto& p : cp_.List(kPods)) {
    EXPECT_EQ(
        GetString(p.as_object().at("spec").as_object().at("containers").as_array()[0].as_object(),
                  {"image"}),
        "img:2");
  }
  EXPECT_GE(rounds, 3);  // one node per round
  EXPECT_EQ(cp_.List(kRevs).size(), 2u);
}

TEST_F(DaemonSetTest, RollingUpdateWaitsForNewPodReadiness) {
  for (const char* n : {"n1", "n2"}) cp_.Create(kNodes, Node(n));
  cp_.Create(kDss, DaemonSet("agent", "img:1"));
  Sync();
  MarkAllReady();
  Patch(std::string(kDss) + "/agent",
        json::object{
            {"spec", json::object{{"template",
                                   DaemonSet("agent", "img:2")["spec"].as_object()["template"]}}}});
  Sync();  // one old pod deleted
  EXPECT_EQ(cp_.List(kPods).size(), 1u);
  Sync();  // new pod created, not ready
  EXPECT_EQ(cp_.List(kPods).size(), 2u);
  Sync();
  Sync();
  // The second old pod stays until the new one is available.
  EXPECT_EQ(cp_.List(kPods).size(), 2u);
  EXPECT_EQ(GetInt(DsStatus(), {"updatedNumberScheduled"}), 1);
}

TEST_F(DaemonSetTest, OnDeleteReplacesOnlyDeletedPods) {
  for (const char* n : {"n1", "n2"}) cp_.Create(kNodes, Node(n));
  cp_.Create(kDss, DaemonSet("agent", "img:1", {}, json::object{{"type", "OnDelete"}}));
  Sync();
  MarkAllReady();
  Patch(std::string(kDss) + "/agent",
        json::object{
            {"spec", json::object{{"template",
                                   DaemonSet("agent", "img:2")["spec"].as_object()["template"]}}}});
  Sync();
  Sync();
  EXPECT_EQ(cp_.List(kPods).size(), 2u);
  EXPECT_EQ(GetInt(DsStatus(), {"updatedNumberScheduled"}), 0);
  std::string victim = GetString(PodsByNode()["n1"][0], {"metadata", "name"});
  ASSERT_TRUE(cp_.client()->Delete(std::string(kPods) + "/" + victim).ok());
  Sync();
  auto by_node = PodsByNode();
  ASSERT_EQ(by_node["n1"].size(), 1u);
  EXPECT_EQ(by_node["n1"][0].at("spec").at("containers").at(0).at("image").as_string(), "img:2");
  EXPECT_EQ(by_node["n2"][0].at("spec").at("containers").at(0).at("image").as_string(), "img:1");
  Sync();
  EXPECT_EQ(GetInt(DsStatus(), {"updatedNumberScheduled"}), 1);
}

TEST_F(DaemonSetTest, FailedPodIsReplaced) {
  cp_.Create(kNodes, Node("n1"));
  cp_.Create(kDss, DaemonSet("agent", "img:1"));
  Sync();
  std::string first = GetString(cp_.List(kPods)[0].as_object(), {"metadata", "name"});
  Patch(std::string(kPods) + "/" + first + "/status",
        json::object{{"status", json::object{{"phase", "Failed"}}}});
  Sync();
  auto pods = cp_.List(kPods);
  ASSERT_EQ(pods.size(), 1u);
  EXPECT_NE(GetString(pods[0].as_object(), {"metadata", "name"}), first);
}

TEST_F(DaemonSetTest, WorkersReactToNodesAndPods) {
  dsc_->Start(1);
  cp_.Create(kNodes, Node("n1"));
  cp_.Create(kDss, DaemonSet("agent", "img:1"));
  ASSERT_TRUE(testing::ControlPlane::WaitFor([&] { return cp_.List(kPods).size() == 1; }));
  cp_.Create(kNodes, Node("n2"));
  ASSERT_TRUE(testing::ControlPlane::WaitFor([&] { return cp_.List(kPods).size() == 2; }));
  MarkAllReady();
  ASSERT_TRUE(
      testing::ControlPlane::WaitFor([&] { return GetInt(DsStatus(), {"numberReady"}) == 2; }));
  dsc_->Stop();
  EXPECT_EQ(PodsByNode().size(), 2u);  // never two pods for one node
}

}  // namespace
}  // namespace berth::controllers
