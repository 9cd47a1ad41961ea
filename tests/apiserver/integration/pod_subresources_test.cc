// Integration: the pods/binding and pods/eviction subresources (and the
// legacy `bindings` resource) against a real in-process API server.
#include "integration_fixture.h"

namespace berth::apiserver::testing {
namespace {

class PodSubresources : public IntegrationTest {
 protected:
  static std::string PodPath(const std::string& ns, const std::string& name = "") {
    return "/api/v1/namespaces/" + ns + "/pods" + (name.empty() ? "" : "/" + name);
  }
  static std::string PdbPath(const std::string& ns, const std::string& name = "") {
    return "/apis/policy/v1/namespaces/" + ns + "/poddisruptionbudgets" +
           (name.empty() ? "" : "/" + name);
  }
  static json::object Pod(const std::string& name, const std::string& app = "web",
                          const std::string& node = "") {
    json::object spec{
        {"containers", json::array{json::object{{"name", "c"}, {"image", "busybox"}}}}};
    if (!node.empty()) spec["nodeName"] = node;
    return json::object{
        {"apiVersion", "v1"},
        {"kind", "Pod"},
        {"metadata", json::object{{"name", name}, {"labels", json::object{{"app", app}}}}},
        {"spec", std::move(spec)}};
  }
  static void CreatePod(const std::string& ns, const json::object& pod) {
    auto r = Client().Post(PodPath(ns), pod);
    ASSERT_EQ(r.status, 201) << r.body;
  }
  // Simulates a kubelet: phase Running, Ready as given.
  static void SetRunning(const std::string& ns, const std::string& name, bool ready) {
    json::object st{
        {"status", json::object{{"phase", "Running"},
                                {"conditions",
                                 json::array{json::object{
                                     {"type", "Ready"}, {"status", ready ? "True" : "False"}}}}}}};
    auto r = Client().Patch(PodPath(ns, name) + "/status", "application/merge-patch+json",
                            json::serialize(st));
    ASSERT_EQ(r.status, 200) << r.body;
  }
  // Creates a PDB selecting app=`app` and sets its status as a controller would.
  static void CreatePdb(const std::string& ns, const std::string& name, const std::string& app,
                        int64_t allowed, int64_t current, int64_t desired,
                        const std::string& policy = "", bool observed = true) {
    json::object spec{{"minAvailable", desired},
                      {"selector", json::object{{"matchLabels", json::object{{"app", app}}}}}};
    if (!policy.empty()) spec["unhealthyPodEvictionPolicy"] = policy;
    auto r = Client().Post(PdbPath(ns), json::object{{"apiVersion", "policy/v1"},
                                                     {"kind", "PodDisruptionBudget"},
                                                     {"metadata", json::object{{"name", name}}},
                                                     {"spec", spec}});
    ASSERT_EQ(r.status, 201) << r.body;
    int64_t gen = Int(r.Json(), "metadata.generation", 1);
    json::object st{{"disruptionsAllowed", allowed},
                    {"currentHealthy", current},
                    {"desiredHealthy", desired},
                    {"expectedPods", current},
                    {"observedGeneration", observed ? gen : gen - 1}};
    auto s = Client().Patch(PdbPath(ns, name) + "/status", "application/merge-patch+json",
                            json::serialize(json::object{{"status", st}}));
    ASSERT_EQ(s.status, 200) << s.body;
  }
  static HttpResponse Evict(const std::string& ns, const std::string& name,
                            json::object delete_options = {}) {
    json::object ev{{"apiVersion", "policy/v1"},
                    {"kind", "Eviction"},
                    {"metadata", json::object{{"name", name}, {"namespace", ns}}}};
    if (!delete_options.empty()) ev["deleteOptions"] = std::move(delete_options);
    return Client().Post(PodPath(ns, name) + "/eviction", ev);
  }
  static HttpResponse Bind(const std::string& ns, const std::string& name,
                           const std::string& node) {
    return Client().Post(PodPath(ns, name) + "/binding",
                         json::object{{"apiVersion", "v1"},
                                      {"kind", "Binding"},
                                      {"metadata", json::object{{"name", name}}},
                                      {"target", json::object{{"kind", "Node"}, {"name", node}}}});
  }
  static std::string ConditionStatus(const json::value& pod, const std::string& type) {
    const json::value* conds = At(pod, "status.conditions");
    if (!conds || !conds->is_array()) return "";
    for (const auto& c : conds->as_array()) {
      if (Str(c, "type") == type) return Str(c, "status");
    }
    return "";
  }
};

TEST_F(PodSubresources, BindingAssignsNodeOnce) {
  std::string ns = MakeNamespace();
  CreatePod(ns, Pod("web"));
  auto r = Bind(ns, "web", "n1");
  ASSERT_EQ(r.status, 201) << r.body;
  EXPECT_EQ(Str(r.Json(), "kind"), "Status");
  EXPECT_EQ(Str(r.Json(), "status"), "Success");
  EXPECT_EQ(Int(r.Json(), "code"), 201);
  auto pod = Client().Get(PodPath(ns, "web")).Json();
  EXPECT_EQ(Str(pod, "spec.nodeName"), "n1");
  EXPECT_EQ(ConditionStatus(pod, "PodScheduled"), "True");

  auto again = Bind(ns, "web", "n2");
  ASSERT_TRUE(IsStatus(again, 409, "Conflict"));
  EXPECT_EQ(Str(again.Json(), "message"),
            "Operation cannot be fulfilled on pods/binding \"web\": pod web is already assigned "
            "to node \"n1\"");
  EXPECT_EQ(Str(Client().Get(PodPath(ns, "web")).Json(), "spec.nodeName"), "n1");

  EXPECT_TRUE(IsStatus(Bind(ns, "missing", "n1"), 404, "NotFound"));
  auto bad = Client().Post(PodPath(ns, "web") + "/binding",
                           json::object{{"metadata", json::object{{"name", "other"}}},
                                        {"target", json::object{{"name", "n1"}}}});
  EXPECT_TRUE(IsStatus(bad, 400, "BadRequest"));
  CreatePod(ns, Pod("web2"));
  auto no_target = Client().Post(PodPath(ns, "web2") + "/binding",
                                 json::object{{"metadata", json::object{{"name", "web2"}}},
                                              {"target", json::object{{"kind", "Node"}}}});
  EXPECT_TRUE(IsStatus(no_target, 422, "Invalid"));
  EXPECT_EQ(Str(Client().Get(PodPath(ns, "web2")).Json(), "spec.nodeName"), "");
}

TEST_F(PodSubresources, LegacyBindingsResource) {
  std::string ns = MakeNamespace();
  CreatePod(ns, Pod("api"));
  auto r = Client().Post("/api/v1/namespaces/" + ns + "/bindings",
                         json::object{{"apiVersion", "v1"},
                                      {"kind", "Binding"},
                                      {"metadata", json::object{{"name", "api"}}},
                                      {"target", json::object{{"kind", "Node"}, {"name", "n7"}}}});
  ASSERT_EQ(r.status, 201) << r.body;
  EXPECT_EQ(Str(Client().Get(PodPath(ns, "api")).Json(), "spec.nodeName"), "n7");
}

TEST_F(PodSubresources, BindingRefusesTerminatingPod) {
  std::string ns = MakeNamespace();
  json::object pod = Pod("fin");
  pod["metadata"].as_object()["finalizers"] = json::array{"example.com/hold"};
  CreatePod(ns, pod);
  ASSERT_EQ(Client().Delete(PodPath(ns, "fin")).status, 200);
  auto r = Bind(ns, "fin", "n1");
  ASSERT_TRUE(IsStatus(r, 409, "Conflict"));
  EXPECT_NE(Str(r.Json(), "message").find("is being deleted"), std::string::npos) << r.body;
  auto p = Client().Get(PodPath(ns, "fin")).Json();
  json::object patch{{"metadata", json::object{{"finalizers", nullptr}}}};
  Client().Patch(PodPath(ns, "fin"), "application/merge-patch+json", json::serialize(patch));
}

TEST_F(PodSubresources, DiscoveryListsSubresources) {
  auto v1 = Client().Get("/api/v1").Json();
  bool binding = false, eviction = false, bindings = false;
  for (const auto& r : At(v1, "resources")->as_array()) {
    if (Str(r, "name") == "pods/binding") binding = Str(r, "kind") == "Binding";
    if (Str(r, "name") == "bindings") bindings = true;
    if (Str(r, "name") == "pods/eviction") {
      eviction =
          Str(r, "kind") == "Eviction" && Str(r, "group") == "policy" && Str(r, "version") == "v1";
    }
  }
  EXPECT_TRUE(binding);
  EXPECT_TRUE(bindings);
  EXPECT_TRUE(eviction);
}

TEST_F(PodSubresources, EvictionWithoutBudgetDeletes) {
  std::string ns = MakeNamespace();
  CreatePod(ns, Pod("a"));  // not on a node: deleted at once
  auto r = Evict(ns, "a");
  ASSERT_EQ(r.status, 201) << r.body;
  EXPECT_EQ(Str(r.Json(), "status"), "Success");
  EXPECT_EQ(Client().Get(PodPath(ns, "a")).status, 404);

  CreatePod(ns, Pod("b", "web", "n1"));  // on a node: graceful, stays Terminating
  SetRunning(ns, "b", true);
  ASSERT_EQ(Evict(ns, "b").status, 201);
  auto pod = Client().Get(PodPath(ns, "b")).Json();
  EXPECT_FALSE(Str(pod, "metadata.deletionTimestamp").empty());
  EXPECT_EQ(ConditionStatus(pod, "DisruptionTarget"), "True");
  // deleteOptions are honoured: grace 0 removes it now.
  ASSERT_EQ(Evict(ns, "b", json::object{{"gracePeriodSeconds", 0}}).status, 201);
  EXPECT_EQ(Client().Get(PodPath(ns, "b")).status, 404);
  EXPECT_TRUE(IsStatus(Evict(ns, "nope"), 404, "NotFound"));
}

TEST_F(PodSubresources, EvictionRespectsBudget) {
  std::string ns = MakeNamespace();
  for (const char* n : {"w1", "w2", "w3"}) {
    CreatePod(ns, Pod(n, "web", "n1"));
    SetRunning(ns, n, true);
  }
  CreatePdb(ns, "web-pdb", "web", /*allowed=*/1, /*current=*/3, /*desired=*/2);
  auto ok = Evict(ns, "w1");
  ASSERT_EQ(ok.status, 201) << ok.body;
  EXPECT_FALSE(Str(Client().Get(PodPath(ns, "w1")).Json(), "metadata.deletionTimestamp").empty());
  auto pdb = Client().Get(PdbPath(ns, "web-pdb")).Json();
  EXPECT_EQ(Int(pdb, "status.disruptionsAllowed"), 0);
  EXPECT_FALSE(Str(pdb, "status.disruptedPods.w1").empty()) << json::serialize(pdb);
  EXPECT_EQ(ConditionStatus(pdb, "DisruptionAllowed"), "False");

  auto denied = Evict(ns, "w2");
  ASSERT_TRUE(IsStatus(denied, 429, "TooManyRequests"));
  EXPECT_EQ(Str(denied.Json(), "message"),
            "Cannot evict pod as it would violate the pod's disruption budget.");
  EXPECT_EQ(Str(denied.Json(), "details.causes.0.reason"), "DisruptionBudget");
  EXPECT_EQ(Str(denied.Json(), "details.causes.0.message"),
            "The disruption budget web-pdb needs 2 healthy pods and has 3 currently");
  EXPECT_TRUE(Str(Client().Get(PodPath(ns, "w2")).Json(), "metadata.deletionTimestamp").empty());

  // A pod of another app is not covered.
  CreatePod(ns, Pod("other", "db", "n1"));
  SetRunning(ns, "other", true);
  EXPECT_EQ(Evict(ns, "other").status, 201);
  // A Pending pod ignores the budget.
  CreatePod(ns, Pod("pending", "web"));
  EXPECT_EQ(Evict(ns, "pending").status, 201);
  EXPECT_EQ(Client().Get(PodPath(ns, "pending")).status, 404);
}

TEST_F(PodSubresources, EvictionUnobservedBudgetIsRetried) {
  std::string ns = MakeNamespace();
  CreatePod(ns, Pod("p", "web", "n1"));
  SetRunning(ns, "p", true);
  CreatePdb(ns, "stale", "web", 5, 3, 1, "", /*observed=*/false);
  auto r = Evict(ns, "p");
  ASSERT_TRUE(IsStatus(r, 429, "TooManyRequests"));
  EXPECT_EQ(Str(r.Json(), "details.causes.0.message"),
            "The disruption budget stale is still being processed by the server.");
  EXPECT_EQ(Int(r.Json(), "details.retryAfterSeconds"), 10);
}

TEST_F(PodSubresources, EvictionWithTwoBudgetsFails) {
  std::string ns = MakeNamespace();
  CreatePod(ns, Pod("p", "web", "n1"));
  SetRunning(ns, "p", true);
  CreatePdb(ns, "one", "web", 1, 1, 0);
  CreatePdb(ns, "two", "web", 1, 1, 0);
  auto r = Evict(ns, "p");
  EXPECT_EQ(r.status, 500) << r.body;
  EXPECT_EQ(Str(r.Json(), "message"),
            "This pod has more than one PodDisruptionBudget, which the eviction subresource does "
            "not support.");
}

TEST_F(PodSubresources, EvictionOfUnhealthyPods) {
  std::string ns = MakeNamespace();
  // IfHealthyBudget (default): a not-ready pod may go while the budget is met,
  // without using up a disruption.
  CreatePod(ns, Pod("sick", "web", "n1"));
  SetRunning(ns, "sick", false);
  CreatePdb(ns, "met", "web", 0, 2, 2);
  ASSERT_EQ(Evict(ns, "sick").status, 201);
  EXPECT_EQ(Int(Client().Get(PdbPath(ns, "met")).Json(), "status.disruptionsAllowed"), 0);

  // Budget not met: the not-ready pod is protected unless the policy is AlwaysAllow.
  CreatePod(ns, Pod("sick2", "api", "n1"));
  SetRunning(ns, "sick2", false);
  CreatePdb(ns, "unmet", "api", 0, 1, 2);
  EXPECT_TRUE(IsStatus(Evict(ns, "sick2"), 429, "TooManyRequests"));
  CreatePod(ns, Pod("sick3", "job", "n1"));
  SetRunning(ns, "sick3", false);
  CreatePdb(ns, "always", "job", 0, 1, 2, "AlwaysAllow");
  EXPECT_EQ(Evict(ns, "sick3").status, 201);
}

TEST_F(PodSubresources, EvictionNameMismatch) {
  std::string ns = MakeNamespace();
  CreatePod(ns, Pod("p"));
  auto r = Client().Post(PodPath(ns, "p") + "/eviction",
                         json::object{{"apiVersion", "policy/v1"},
                                      {"kind", "Eviction"},
                                      {"metadata", json::object{{"name", "q"}}}});
  EXPECT_TRUE(IsStatus(r, 400, "BadRequest"));
  EXPECT_EQ(Client().Get(PodPath(ns, "p")).status, 200);
}

}  // namespace
}  // namespace berth::apiserver::testing
