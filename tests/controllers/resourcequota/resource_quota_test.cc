// ResourceQuota end to end inside one process: the API server's admission steps (quota
// enforcement, LimitRanger) through an in-process client, and ResourceQuotaController keeping
// status.used current, with simulated time for the deletion grace of terminating pods.
#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "../testing/control_plane.h"
#include "controllers/resourcequota/resource_quota_controller.h"

namespace berth::controllers {
namespace {

constexpr const char* kNs = "/api/v1/namespaces/default/";

class ResourceQuotaTest : public ::testing::Test {
 protected:
  void SetUp() override {
    cp.clock.Advance(std::chrono::system_clock::now() - cp.clock.Now());
    ctrl = std::make_unique<ResourceQuotaController>(cp.ctx());
    cp.StartInformers();
    ctrl->Start(1);
  }
  void TearDown() override {
    ctrl->Stop();
    cp.StopInformers();
  }

  static json::object Parse(const std::string& text) { return json::parse(text).as_object(); }

  void CreateQuota(const std::string& name, const std::string& spec) {
    cp.Create(std::string(kNs) + "resourcequotas",
              Parse(R"({"apiVersion":"v1","kind":"ResourceQuota","metadata":{"name":")" + name +
                    R"("},"spec":)" + spec + "}"));
  }
  static json::object PodObject(const std::string& name, const std::string& resources,
                                const std::string& extra_spec = "") {
    return Parse(R"({"apiVersion":"v1","kind":"Pod","metadata":{"name":")" + name +
                 R"("},"spec":{)" + extra_spec +
                 R"("containers":[{"name":"c","image":"x","resources":)" + resources + "}]}}");
  }
  StatusOr<json::value> CreatePod(const std::string& name, const std::string& resources,
                                  const std::string& extra_spec = "") {
    return cp.client()->Create(std::string(kNs) + "pods", PodObject(name, resources, extra_spec));
  }
  std::string Used(const std::string& quota, const std::string& res) {
    auto q = cp.client()->Get(std::string(kNs) + "resourcequotas/" + quota);
    if (!q.ok()) return "<error>";
    const json::value* v = GetPath(*q, {"status", "used"});
    if (!v || !v->is_object() || !v->as_object().contains(res)) return "<none>";
    return json::value_to<std::string>(v->as_object().at(res));
  }
  bool WaitUsed(const std::string& quota, const std::string& res, const std::string& want) {
    bool ok = testing::ControlPlane::WaitFor([&] { return Used(quota, res) == want; });
    EXPECT_TRUE(ok) << quota << " " << res << ": want " << want << ", got " << Used(quota, res);
    return ok;
  }

  testing::ControlPlane cp;
  std::unique_ptr<ResourceQuotaController> ctrl;
};

TEST_F(ResourceQuotaTest, StatusFollowsCreatesAndDeletes) {
  CreateQuota("q", R"({"hard":{"pods":"5","configmaps":"5","resourcequotas":"2",
      "requests.cpu":"2","requests.memory":"1Gi","count/replicasets.apps":"3",
      "persistentvolumeclaims":"1"}})");
  ASSERT_TRUE(WaitUsed("q", "resourcequotas", "1"));
  EXPECT_EQ(Used("q", "pods"), "0");
  EXPECT_EQ(Used("q", "requests.memory"), "0");
  EXPECT_EQ(Used("q", "persistentvolumeclaims"), "0");
  auto q = cp.MustGet(std::string(kNs) + "resourcequotas/q");
  EXPECT_EQ(*GetPath(q, {"status", "hard"}), *GetPath(q, {"spec", "hard"}));

  ASSERT_TRUE(CreatePod("p1", R"({"requests":{"cpu":"500m","memory":"252Mi"}})").ok());
  cp.Create(std::string(kNs) + "configmaps",
            Parse(R"({"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"cm"}})"));
  cp.Create("/apis/apps/v1/namespaces/default/replicasets", Parse(R"({"apiVersion":"apps/v1",
      "kind":"ReplicaSet","metadata":{"name":"rs"},"spec":{"replicas":0,
      "selector":{"matchLabels":{"a":"b"}},"template":{"metadata":{"labels":{"a":"b"}},
      "spec":{"containers":[{"name":"c","image":"x"}]}}}})"));
  WaitUsed("q", "pods", "1");
  WaitUsed("q", "requests.cpu", "500m");
  WaitUsed("q", "requests.memory", "252Mi");
  WaitUsed("q", "configmaps", "1");
  WaitUsed("q", "count/replicasets.apps", "1");

  ASSERT_TRUE(cp.client()->Delete(std::string(kNs) + "pods/p1").ok());
  ASSERT_TRUE(cp.client()->Delete(std::string(kNs) + "configmaps/cm").ok());
  WaitUsed("q", "pods", "0");
  WaitUsed("q", "requests.cpu", "0");
  WaitUsed("q", "configmaps", "0");
}

TEST_F(ResourceQuotaTest, AdmissionRefusesWhatExceedsTheQuota) {
  CreateQuota("q", R"({"hard":{"pods":"2","requests.cpu":"1"}})");
  ASSERT_TRUE(CreatePod("p1", R"({"requests":{"cpu":"600m"}})").ok());
  auto over = CreatePod("p2", R"({"requests":{"cpu":"600m"}})");
  ASSERT_FALSE(over.ok());
  EXPECT_EQ(over.status().reason(), Reason::kForbidden);
  EXPECT_EQ(over.status().message(),
            "pods \"p2\" is forbidden: exceeded quota: q, requested: requests.cpu=600m, used: "
            "requests.cpu=600m, limited: requests.cpu=1");
  auto missing = CreatePod("p3", "{}");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().message(),
            "pods \"p3\" is forbidden: failed quota: q: must specify requests.cpu for: c");
  ASSERT_TRUE(CreatePod("p4", R"({"requests":{"cpu":"400m"}})").ok());
  auto third = CreatePod("p5", R"({"requests":{"cpu":"1m"}})");
  ASSERT_FALSE(third.ok());
  EXPECT_NE(third.status().message().find("requested: pods=1,requests.cpu=1m, used: "
                                          "pods=2,requests.cpu=1, limited: pods=2,requests.cpu=1"),
            std::string::npos)
      << third.status().message();
  // A second quota is refused by the resourcequotas count.
  CreateQuota("one", R"({"hard":{"resourcequotas":"2"}})");
  auto extra = cp.client()->Create(
      std::string(kNs) + "resourcequotas",
      Parse(R"({"apiVersion":"v1","kind":"ResourceQuota","metadata":{"name":"extra"}})"));
  ASSERT_FALSE(extra.ok());
  EXPECT_NE(extra.status().message().find("exceeded quota: one, requested: resourcequotas=1"),
            std::string::npos)
      << extra.status().message();
}

TEST_F(ResourceQuotaTest, ConcurrentCreatesNeverOvershoot) {
  CreateQuota("q", R"({"hard":{"configmaps":"3"}})");
  std::atomic<int> created{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 12; ++i) {
    threads.emplace_back([&, i] {
      auto r = cp.client()->Create(
          std::string(kNs) + "configmaps",
          Parse(R"({"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"cm)" +
                std::to_string(i) + R"("}})"));
      if (r.ok()) ++created;
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(created.load(), 3);
  WaitUsed("q", "configmaps", "3");
}

TEST_F(ResourceQuotaTest, ScopesPickTheirPods) {
  CreateQuota("be", R"({"hard":{"pods":"5"},"scopes":["BestEffort"]})");
  CreateQuota("nbe", R"({"hard":{"pods":"5"},"scopes":["NotBestEffort"]})");
  CreateQuota("term", R"({"hard":{"pods":"5"},"scopes":["Terminating"]})");
  ASSERT_TRUE(WaitUsed("be", "pods", "0"));
  ASSERT_TRUE(CreatePod("besteffort", "{}").ok());
  ASSERT_TRUE(CreatePod("burst", R"({"requests":{"cpu":"100m"}})", R"("activeDeadlineSeconds":30,)")
                  .ok());
  WaitUsed("be", "pods", "1");
  WaitUsed("nbe", "pods", "1");
  WaitUsed("term", "pods", "1");
  ASSERT_TRUE(cp.client()->Delete(std::string(kNs) + "pods/besteffort").ok());
  WaitUsed("be", "pods", "0");
  EXPECT_EQ(Used("nbe", "pods"), "1");
}

TEST_F(ResourceQuotaTest, TerminatingPodStopsCountingAfterItsGrace) {
  CreateQuota("q", R"({"hard":{"pods":"5","count/pods":"5"}})");
  // Bound to a node, so a graceful delete waits (there is no agent here).
  ASSERT_TRUE(CreatePod("p", "{}", R"("nodeName":"n1",)").ok());
  ASSERT_TRUE(WaitUsed("q", "pods", "1"));
  ASSERT_TRUE(cp.client()
                  ->Delete(std::string(kNs) + "pods/p", json::object{{"gracePeriodSeconds", 30}})
                  .ok());
  // Still charged within deletionTimestamp + grace (kube's rule), then released.
  cp.clock.Advance(std::chrono::seconds(20));
  EXPECT_EQ(Used("q", "pods"), "1");
  cp.clock.Advance(std::chrono::seconds(45));
  WaitUsed("q", "pods", "0");
  EXPECT_EQ(Used("q", "count/pods"), "1");  // the object still exists
}

TEST_F(ResourceQuotaTest, LimitRangeDefaultsAndBounds) {
  cp.Create(std::string(kNs) + "limitranges", Parse(R"({"apiVersion":"v1","kind":"LimitRange",
      "metadata":{"name":"lr"},"spec":{"limits":[{"type":"Container",
      "min":{"cpu":"50m"},"max":{"cpu":"500m","memory":"1Gi"},
      "defaultRequest":{"cpu":"100m"}}]}})"));
  auto pod = CreatePod("p", "{}");
  ASSERT_TRUE(pod.ok()) << pod.status().ToString();
  const json::value* res = GetPath(*pod, {"spec", "containers"});
  ASSERT_TRUE(res && res->is_array());
  EXPECT_EQ(json::serialize(res->as_array()[0].at("resources")),
            R"({"limits":{"cpu":"500m","memory":"1Gi"},"requests":{"cpu":"100m","memory":"1Gi"}})");
  EXPECT_EQ(GetString(*pod, {"metadata", "annotations", "kubernetes.io/limit-ranger"}),
            "LimitRanger plugin set: cpu, memory request for container c; cpu, memory limit for "
            "container c");
  auto low = CreatePod("low", R"({"requests":{"cpu":"10m"}})");
  ASSERT_FALSE(low.ok());
  EXPECT_EQ(low.status().reason(), Reason::kForbidden);
  EXPECT_EQ(low.status().message(),
            "pods \"low\" is forbidden: minimum cpu usage per Container is 50m, but request is 10m");
  auto high = CreatePod("high", R"({"limits":{"cpu":"2","memory":"2Gi"}})");
  ASSERT_FALSE(high.ok());
  EXPECT_EQ(high.status().message(),
            "pods \"high\" is forbidden: [maximum cpu usage per Container is 500m, but limit is 2, "
            "maximum memory usage per Container is 1Gi, but limit is 2Gi]");
}

}  // namespace
}  // namespace berth::controllers
