// NodeLifecycleController against a real in-process API server with simulated time: lease
// expiry, taints, taint-based eviction after tolerationSeconds, recovery and pod GC.
#include "controllers/nodelifecycle/node_lifecycle_controller.h"

#include <gtest/gtest.h>

#include "../testing/control_plane.h"
#include "controllers/common/pod_state.h"
#include "controllers/nodelifecycle/taints.h"

namespace berth::controllers {
namespace {

using std::chrono::seconds;

class NodeLifecycleTest : public ::testing::Test {
 protected:
  void SetUp() override {
    // Start the manual clock at real time so server-stamped timestamps line up.
    cp.clock.Advance(std::chrono::system_clock::now() - cp.clock.Now());
    ctrl = std::make_unique<NodeLifecycleController>(cp.ctx(), Options());
    cp.StartInformers();
  }
  // The informers' handlers call into ctrl, which is destroyed before cp: stop them first.
  void TearDown() override { cp.StopInformers(); }

  virtual NodeLifecycleOptions Options() { return {}; }
  std::string Now() { return FormatRfc3339(cp.clock.Now()); }

  // Empties the queue, then waits (real time, up to 5 s) for the next due key.
  std::string NextDueKey() {
    std::string key;
    while (ctrl->queue().Len() > 0 && ctrl->queue().Get(&key)) ctrl->queue().Done(key);
    return "";
  }
  std::string WaitDue() {
    std::atomic<bool> done{false};
    std::string got;
    std::thread getter([&] {
      if (ctrl->queue().Get(&got)) ctrl->queue().Done(got);
      done = true;
    });
    bool ok = cp.WaitFor([&] { return done.load(); }, std::chrono::seconds(5));
    if (!ok) ctrl->queue().ShutDown();
    getter.join();
    return ok ? got : "";
  }

  void CreateNode(const std::string& name) {
    cp.Create("/api/v1/nodes", json::object{{"apiVersion", "v1"},
                                            {"kind", "Node"},
                                            {"metadata", json::object{{"name", name}}}});
    PostStatus(name, "True");
    RenewLease(name);
  }
  // The agent posting its conditions now.
  void PostStatus(const std::string& name, const std::string& ready) {
    auto cond = [&](const char* type, const std::string& status) {
      return json::object{
          {"type", type},  {"status", status},           {"reason", "Agent"},
          {"message", ""}, {"lastHeartbeatTime", Now()}, {"lastTransitionTime", Now()}};
    };
    json::object patch{
        {"status",
         json::object{{"conditions",
                       json::array{cond("Ready", ready), cond("MemoryPressure", "False"),
                                   cond("DiskPressure", "False"), cond("PIDPressure", "False")}}}}};
    auto r = cp.client()->Patch("/api/v1/nodes/" + name + "/status", patch);
    ASSERT_TRUE(r.ok()) << r.status().ToString();
  }
  void RenewLease(const std::string& name) {
    json::object lease{{"apiVersion", "coordination.k8s.io/v1"},
                       {"kind", "Lease"},
                       {"metadata", json::object{{"name", name}, {"namespace", "kube-node-lease"}}},
                       {"spec", json::object{{"holderIdentity", name},
                                             {"leaseDurationSeconds", 40},
                                             {"renewTime", FormatRfc3339Micro(cp.clock.Now())}}}};
    auto r = cp.client()->Update(
        "/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases/" + name, lease);
    ASSERT_TRUE(r.ok()) << r.status().ToString();
  }
  void CreatePod(const std::string& name, const std::string& node, json::array tolerations = {}) {
    json::object spec{{"nodeName", node},
                      {"containers", json::array{json::object{{"name", "c"}, {"image", "x"}}}}};
    if (!tolerations.empty()) spec["tolerations"] = std::move(tolerations);
    cp.Create("/api/v1/namespaces/default/pods",
              json::object{{"apiVersion", "v1"},
                           {"kind", "Pod"},
                           {"metadata", json::object{{"name", name}}},
                           {"spec", std::move(spec)}});
    SetPodReady(name);
  }
  void SetPodReady(const std::string& name) {
    json::object patch{
        {"status", json::object{{"phase", "Running"},
                                {"conditions", json::array{json::object{{"type", "Ready"},
                                                                        {"status", "True"}}}}}}};
    auto r = cp.client()->Patch("/api/v1/namespaces/default/pods/" + name + "/status", patch);
    ASSERT_TRUE(r.ok()) << r.status().ToString();
  }
  static json::object Toleration(const std::string& key, int64_t secs = -1) {
    json::object t{{"key", key}, {"operator", "Exists"}, {"effect", "NoExecute"}};
    if (secs >= 0) t["tolerationSeconds"] = secs;
    return t;
  }

  bool PodExists(const std::string& name) {
    return cp.client()->Get("/api/v1/namespaces/default/pods/" + name).ok();
  }
  // Waits until the informers hold the server's current node, lease and pods, then syncs.
  Status SyncCaught(const std::string& node) {
    auto live = cp.client()->Get("/api/v1/nodes/" + node);
    if (live.ok()) {
      std::string rv = GetString(*live, {"metadata", "resourceVersion"});
      EXPECT_TRUE(cp.WaitFor([&] {
        auto n = cp.informers()->For("/api/v1/nodes")->Get("", node);
        return n && GetString(*n, {"metadata", "resourceVersion"}) == rv;
      }));
    }
    auto pods = cp.List("/api/v1/namespaces/default/pods");
    EXPECT_TRUE(cp.WaitFor([&] {
      auto* inf = cp.informers()->For("/api/v1/pods");
      if (inf->List("default").size() != pods.size()) return false;
      for (const auto& p : pods) {
        auto c = inf->Get("default", GetString(p, {"metadata", "name"}));
        if (!c || GetString(*c, {"metadata", "resourceVersion"}) !=
                      GetString(p, {"metadata", "resourceVersion"})) {
          return false;
        }
      }
      return true;
    }));
    auto lease =
        cp.client()->Get("/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases/" + node);
    if (lease.ok()) {
      std::string rv = GetString(*lease, {"metadata", "resourceVersion"});
      EXPECT_TRUE(cp.WaitFor([&] {
        auto l = cp.informers()
                     ->For("/apis/coordination.k8s.io/v1/leases")
                     ->Get("kube-node-lease", node);
        return l && GetString(*l, {"metadata", "resourceVersion"}) == rv;
      }));
    }
    return ctrl->SyncNow(node);
  }
  json::object Node(const std::string& name) { return cp.MustGet("/api/v1/nodes/" + name); }
  static bool HasTaint(const json::object& node, const std::string& key,
                       const std::string& effect) {
    const json::value* t = GetPath(node, {"spec", "taints"});
    if (!t || !t->is_array()) return false;
    for (const auto& x : t->as_array()) {
      if (GetString(x, {"key"}) == key && GetString(x, {"effect"}) == effect) return true;
    }
    return false;
  }

  testing::ControlPlane cp;
  std::unique_ptr<NodeLifecycleController> ctrl;
};

TEST_F(NodeLifecycleTest, PodsGetDefaultTolerations) {
  CreateNode("n0");
  CreatePod("p", "n0");
  auto pod = cp.MustGet("/api/v1/namespaces/default/pods/p");
  const json::value* t = GetPath(pod, {"spec", "tolerations"});
  ASSERT_TRUE(t && t->is_array());
  ASSERT_EQ(t->as_array().size(), 2u);
  EXPECT_EQ(GetString(t->as_array()[0], {"key"}), kTaintNotReady);
  EXPECT_EQ(GetInt(t->as_array()[0], {"tolerationSeconds"}), 300);
  EXPECT_EQ(GetString(t->as_array()[1], {"key"}), kTaintUnreachable);
}

TEST_F(NodeLifecycleTest, LeaseExpiryTaintsAndEvicts) {
  CreateNode("n1");
  CreatePod("short", "n1", json::array{Toleration(kTaintUnreachable, 60)});
  CreatePod("default", "n1");  // 300 s from DefaultTolerationSeconds
  CreatePod("forever", "n1", json::array{Toleration(kTaintUnreachable)});

  ASSERT_TRUE(SyncCaught("n1").ok());
  json::object n = Node("n1");
  EXPECT_EQ(NodeConditionStatus(n, "Ready"), "True");
  EXPECT_FALSE(HasTaint(n, kTaintUnreachable, "NoExecute"));

  // 30 s without a heartbeat is within the grace period.
  cp.clock.Advance(seconds(30));
  ASSERT_TRUE(SyncCaught("n1").ok());
  EXPECT_EQ(NodeConditionStatus(Node("n1"), "Ready"), "True");

  // The lease alone keeps the node alive.
  RenewLease("n1");
  cp.clock.Advance(seconds(30));
  ASSERT_TRUE(SyncCaught("n1").ok());
  EXPECT_EQ(NodeConditionStatus(Node("n1"), "Ready"), "True");

  cp.clock.Advance(seconds(11));
  ASSERT_TRUE(SyncCaught("n1").ok());
  n = Node("n1");
  for (const char* c : {"Ready", "MemoryPressure", "DiskPressure", "PIDPressure"}) {
    EXPECT_EQ(NodeConditionStatus(n, c), "Unknown") << c;
  }
  const json::value* conds = GetPath(n, {"status", "conditions"});
  for (const auto& c : conds->as_array()) {
    if (GetString(c, {"type"}) != "Ready") continue;
    EXPECT_EQ(GetString(c, {"reason"}), "NodeStatusUnknown");
    EXPECT_EQ(GetString(c, {"message"}), "Kubelet stopped posting node status.");
  }
  EXPECT_TRUE(HasTaint(n, kTaintUnreachable, "NoExecute"));
  EXPECT_TRUE(HasTaint(n, kTaintUnreachable, "NoSchedule"));
  for (const auto& t : GetPath(n, {"spec", "taints"})->as_array()) {
    if (GetString(t, {"effect"}) == "NoExecute") {
      EXPECT_EQ(GetString(t, {"timeAdded"}), Now());
    }
  }
  // Pods are marked not ready; none evicted yet.
  ASSERT_TRUE(SyncCaught("n1").ok());
  auto short_pod = cp.MustGet("/api/v1/namespaces/default/pods/short");
  EXPECT_FALSE(IsPodReady(short_pod));
  EXPECT_TRUE(PodExists("short") && PodExists("default") && PodExists("forever"));

  // The controller asks to look again when the first toleration runs out.
  cp.clock.Advance(seconds(59));
  ASSERT_TRUE(SyncCaught("n1").ok());
  EXPECT_TRUE(PodExists("short"));
  cp.clock.Advance(seconds(1));
  ASSERT_TRUE(SyncCaught("n1").ok());
  // Deleted (Terminating: the node cannot confirm), then force-deleted by pod GC.
  ASSERT_TRUE(SyncCaught("n1").ok());
  EXPECT_FALSE(PodExists("short"));
  EXPECT_TRUE(PodExists("default"));

  cp.clock.Advance(seconds(240));
  ASSERT_TRUE(SyncCaught("n1").ok());
  ASSERT_TRUE(SyncCaught("n1").ok());
  EXPECT_FALSE(PodExists("default"));
  EXPECT_TRUE(PodExists("forever"));

  // Events as kube records them.
  cp.recorder()->Flush();
  auto events = cp.List("/api/v1/namespaces/default/events");
  bool eviction_event = false;
  for (const auto& e : events) {
    if (GetString(e, {"reason"}) == "TaintManagerEviction" &&
        GetString(e, {"message"}) == "Marking for deletion Pod default/short") {
      eviction_event = true;
    }
  }
  EXPECT_TRUE(eviction_event);

  // Recovery: the agent posts Ready again; the taints go.
  RenewLease("n1");
  PostStatus("n1", "True");
  ASSERT_TRUE(SyncCaught("n1").ok());
  n = Node("n1");
  EXPECT_FALSE(HasTaint(n, kTaintUnreachable, "NoExecute"));
  EXPECT_FALSE(HasTaint(n, kTaintUnreachable, "NoSchedule"));
  EXPECT_EQ(GetPath(n, {"spec", "taints"}), nullptr);
  EXPECT_TRUE(PodExists("forever"));
}

TEST_F(NodeLifecycleTest, NotReadyAndUserTaints) {
  CreateNode("n2");
  CreatePod("plain", "n2");
  CreatePod(
      "tolerant", "n2",
      json::array{json::object{
          {"key", "dedicated"}, {"operator", "Equal"}, {"value", "db"}, {"effect", "NoExecute"}}});
  PostStatus("n2", "False");
  ASSERT_TRUE(SyncCaught("n2").ok());
  json::object n = Node("n2");
  EXPECT_TRUE(HasTaint(n, kTaintNotReady, "NoExecute"));
  EXPECT_TRUE(HasTaint(n, kTaintNotReady, "NoSchedule"));
  EXPECT_FALSE(HasTaint(n, kTaintUnreachable, "NoExecute"));
  EXPECT_TRUE(PodExists("plain"));  // 300 s default toleration

  // A user NoExecute taint nobody but "tolerant" tolerates: "plain" goes at once.
  PostStatus("n2", "True");
  json::object patch{
      {"spec", json::object{{"taints", json::array{json::object{{"key", "dedicated"},
                                                                {"value", "db"},
                                                                {"effect", "NoExecute"},
                                                                {"timeAdded", Now()}}}}}}};
  ASSERT_TRUE(cp.client()->Patch("/api/v1/nodes/n2", patch).ok());
  ASSERT_TRUE(SyncCaught("n2").ok());
  n = Node("n2");
  EXPECT_FALSE(HasTaint(n, kTaintNotReady, "NoExecute"));
  EXPECT_TRUE(HasTaint(n, "dedicated", "NoExecute")) << "user taints are kept";
  auto plain = cp.client()->Get("/api/v1/namespaces/default/pods/plain");
  ASSERT_TRUE(plain.ok());  // graceful: the (ready) agent finishes the deletion
  EXPECT_NE(GetPath(*plain, {"metadata", "deletionTimestamp"}), nullptr);
  auto tolerant = cp.MustGet("/api/v1/namespaces/default/pods/tolerant");
  EXPECT_EQ(GetPath(tolerant, {"metadata", "deletionTimestamp"}), nullptr);
}

TEST_F(NodeLifecycleTest, UnschedulableAndPressureTaints) {
  CreateNode("n3");
  ASSERT_TRUE(
      cp.client()
          ->Patch("/api/v1/nodes/n3", json::object{{"spec", json::object{{"unschedulable", true}}}})
          .ok());
  ASSERT_TRUE(SyncCaught("n3").ok());
  EXPECT_TRUE(HasTaint(Node("n3"), kTaintUnschedulable, "NoSchedule"));
  ASSERT_TRUE(cp.client()
                  ->Patch("/api/v1/nodes/n3",
                          json::object{{"spec", json::object{{"unschedulable", nullptr}}}})
                  .ok());
  ASSERT_TRUE(SyncCaught("n3").ok());
  EXPECT_FALSE(HasTaint(Node("n3"), kTaintUnschedulable, "NoSchedule"));
}

TEST_F(NodeLifecycleTest, PodsOfMissingNodesAreCollected) {
  CreatePod("orphan", "ghost");
  ASSERT_TRUE(SyncCaught("ghost").ok());
  EXPECT_TRUE(PodExists("orphan"));
  cp.clock.Advance(seconds(41));
  ASSERT_TRUE(SyncCaught("ghost").ok());
  EXPECT_FALSE(PodExists("orphan"));
}

TEST_F(NodeLifecycleTest, MonitorRequeuesWithSimulatedTime) {
  CreateNode("n4");
  ASSERT_TRUE(SyncCaught("n4").ok());
  NextDueKey();  // drain what the informer handlers queued
  EXPECT_EQ(ctrl->queue().Len(), 0u);
  cp.clock.Advance(seconds(5));
  EXPECT_EQ(WaitDue(), "n4");
}

class ShortGraceTest : public NodeLifecycleTest {
 protected:
  NodeLifecycleOptions Options() override {
    NodeLifecycleOptions o;
    o.grace_period = seconds(4);
    return o;
  }
};

TEST_F(ShortGraceTest, ChecksWhenTheHeartbeatGoesStale) {
  CreateNode("n5");
  ASSERT_TRUE(SyncCaught("n5").ok());
  NextDueKey();
  // Due after the 4 s grace period, before the 5 s monitor period.
  cp.clock.Advance(std::chrono::milliseconds(4100));
  EXPECT_EQ(WaitDue(), "n5");
  ASSERT_TRUE(SyncCaught("n5").ok());
  EXPECT_EQ(NodeConditionStatus(Node("n5"), "Ready"), "Unknown");
}

TEST(TaintsTest, Tolerations) {
  json::object taint{{"key", "k"}, {"value", "v"}, {"effect", "NoExecute"}};
  EXPECT_TRUE(ToleratesTaint(json::object{{"key", "k"}, {"operator", "Exists"}}, taint));
  EXPECT_TRUE(ToleratesTaint(json::object{{"operator", "Exists"}}, taint));
  EXPECT_TRUE(ToleratesTaint(json::object{{"key", "k"}, {"value", "v"}}, taint));
  EXPECT_FALSE(ToleratesTaint(json::object{{"key", "k"}, {"value", "w"}}, taint));
  EXPECT_FALSE(ToleratesTaint(
      json::object{{"key", "k"}, {"operator", "Exists"}, {"effect", "NoSchedule"}}, taint));
  EXPECT_FALSE(ToleratesTaint(json::object{{"key", "other"}, {"operator", "Exists"}}, taint));
}

TEST(TaintsTest, EvictionDeadlineUsesSmallestTolerationAndLatestTaint) {
  Clock::time_point t0;
  ASSERT_TRUE(ParseRfc3339("2026-01-01T00:00:00Z", &t0));
  std::vector<json::object> taints = {
      json::object{{"key", "a"}, {"effect", "NoExecute"}, {"timeAdded", "2026-01-01T00:00:00Z"}},
      json::object{{"key", "b"}, {"effect", "NoExecute"}, {"timeAdded", "2026-01-01T00:00:10Z"}}};
  json::object pod{
      {"spec",
       json::object{
           {"tolerations",
            json::array{
                json::object{{"key", "a"}, {"operator", "Exists"}, {"tolerationSeconds", 100}},
                json::object{{"key", "b"}, {"operator", "Exists"}, {"tolerationSeconds", 30}}}}}}};
  Clock::time_point deadline;
  EXPECT_EQ(DecideEviction(pod, taints, t0, t0, &deadline), EvictionDecision::kEvictAt);
  EXPECT_EQ(deadline, t0 + seconds(40));
  EXPECT_EQ(DecideEviction(pod, taints, t0 + seconds(40), t0, &deadline),
            EvictionDecision::kEvictNow);
  taints.push_back(json::object{{"key", "c"}, {"effect", "NoExecute"}});
  EXPECT_EQ(DecideEviction(pod, taints, t0, t0, &deadline), EvictionDecision::kEvictNow);
  EXPECT_EQ(DecideEviction(pod, {}, t0, t0, &deadline), EvictionDecision::kKeep);
}

}  // namespace
}  // namespace berth::controllers
