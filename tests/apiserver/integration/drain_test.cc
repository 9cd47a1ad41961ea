// Integration: `kubectl drain` (the real kubectl 1.32 binary) against the API
// server: cordon, eviction through pods/eviction with a PodDisruptionBudget,
// DaemonSet pods ignored. A helper thread plays the node agent (removes pods
// that are Terminating) and the disruption controller (re-allows a
// disruption once the evicted pod is gone). Skipped when kubectl is absent.
#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <thread>

#include "integration_fixture.h"

extern char** environ;

namespace berth::apiserver::testing {
namespace {

class KubectlDrain : public IntegrationTest {
 protected:
  // Runs kubectl with `args`; returns the exit code, output in *out.
  static int Kubectl(const std::vector<std::string>& args, std::string* out) {
    std::string log = data_dir_ + "/kubectl.out";
    std::vector<std::string> env_s;
    for (char** e = environ; *e; ++e) {
      if (std::string(*e).rfind("KUBECONFIG=", 0) != 0) env_s.emplace_back(*e);
    }
    env_s.push_back("KUBECONFIG=" + data_dir_ + "/kubeconfig");
    env_s.push_back("HOME=" + data_dir_);
    std::vector<char*> env;
    for (auto& s : env_s) env.push_back(s.data());
    env.push_back(nullptr);
    std::vector<std::string> argv_s = {"kubectl"};
    argv_s.insert(argv_s.end(), args.begin(), args.end());
    std::vector<char*> argv;
    for (auto& s : argv_s) argv.push_back(s.data());
    argv.push_back(nullptr);
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 1, log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    posix_spawn_file_actions_adddup2(&fa, 1, 2);
    pid_t pid = 0;
    int rc = posix_spawnp(&pid, "kubectl", &fa, nullptr, argv.data(), env.data());
    posix_spawn_file_actions_destroy(&fa);
    if (rc != 0) return -1;
    int status = 0;
    waitpid(pid, &status, 0);
    std::ifstream in(log);
    out->assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  }
  static bool HaveKubectl() {
    for (const char* dir : {"/usr/bin/kubectl", "/usr/local/bin/kubectl"}) {
      if (::access(dir, X_OK) == 0) return true;
    }
    return false;
  }
  static json::object Pod(const std::string& name, const std::string& app, json::object owner,
                          bool empty_dir = false) {
    json::object spec{{"nodeName", "drain-n1"},
                      {"containers", json::array{json::object{{"name", "c"}, {"image", "x"}}}}};
    if (empty_dir) {
      spec["volumes"] =
          json::array{json::object{{"name", "scratch"}, {"emptyDir", json::object()}}};
    }
    json::object meta{{"name", name}, {"labels", json::object{{"app", app}}}};
    if (!owner.empty()) meta["ownerReferences"] = json::array{owner};
    return json::object{{"apiVersion", "v1"}, {"kind", "Pod"}, {"metadata", meta}, {"spec", spec}};
  }
};

TEST_F(KubectlDrain, DrainEvictsThroughBudget) {
  if (!HaveKubectl()) GTEST_SKIP() << "kubectl not installed";
  auto c = Client();
  std::string ns = MakeNamespace("drain");
  ASSERT_EQ(c.Post("/api/v1/nodes", json::object{{"apiVersion", "v1"},
                                                 {"kind", "Node"},
                                                 {"metadata", json::object{{"name", "drain-n1"}}}})
                .status,
            201);
  // A DaemonSet (so that kubectl finds the owner of its pod) and a ReplicaSet owner reference.
  json::object ds{
      {"apiVersion", "apps/v1"},
      {"kind", "DaemonSet"},
      {"metadata", json::object{{"name", "agent"}}},
      {"spec",
       json::object{
           {"selector", json::object{{"matchLabels", json::object{{"app", "agent"}}}}},
           {"template",
            json::object{
                {"metadata", json::object{{"labels", json::object{{"app", "agent"}}}}},
                {"spec", json::object{{"containers", json::array{json::object{
                                                         {"name", "c"}, {"image", "x"}}}}}}}}}}};
  auto dsr = c.Post("/apis/apps/v1/namespaces/" + ns + "/daemonsets", ds);
  ASSERT_EQ(dsr.status, 201) << dsr.body;
  json::object ds_owner{{"apiVersion", "apps/v1"},
                        {"kind", "DaemonSet"},
                        {"name", "agent"},
                        {"uid", Str(dsr.Json(), "metadata.uid")},
                        {"controller", true}};
  json::object rs_owner{{"apiVersion", "apps/v1"},
                        {"kind", "ReplicaSet"},
                        {"name", "web-1"},
                        {"uid", "11111111-2222-3333-4444-555555555555"},
                        {"controller", true}};
  std::string pods = "/api/v1/namespaces/" + ns + "/pods";
  for (const auto& p : {Pod("web-a", "web", rs_owner, true), Pod("web-b", "web", rs_owner),
                        Pod("agent-x", "agent", ds_owner)}) {
    auto r = c.Post(pods, p);
    ASSERT_EQ(r.status, 201) << r.body;
    std::string name = Str(r.Json(), "metadata.name");
    json::object st{
        {"status", json::object{{"phase", "Running"},
                                {"conditions", json::array{json::object{{"type", "Ready"},
                                                                        {"status", "True"}}}}}}};
    ASSERT_EQ(
        c.Patch(pods + "/" + name + "/status", "application/merge-patch+json", json::serialize(st))
            .status,
        200);
  }
  std::string pdb = "/apis/policy/v1/namespaces/" + ns + "/poddisruptionbudgets";
  auto pr = c.Post(
      pdb, json::object{
               {"apiVersion", "policy/v1"},
               {"kind", "PodDisruptionBudget"},
               {"metadata", json::object{{"name", "web"}}},
               {"spec", json::object{{"minAvailable", 1},
                                     {"selector", json::object{{"matchLabels",
                                                                json::object{{"app", "web"}}}}}}}});
  ASSERT_EQ(pr.status, 201) << pr.body;
  auto set_allowed = [&](int64_t allowed) {
    json::object st{{"status", json::object{{"disruptionsAllowed", allowed},
                                            {"currentHealthy", 2},
                                            {"desiredHealthy", 1},
                                            {"expectedPods", 2},
                                            {"observedGeneration", 1},
                                            {"disruptedPods", nullptr}}}};
    return c.Patch(pdb + "/web/status", "application/merge-patch+json", json::serialize(st)).status;
  };
  ASSERT_EQ(set_allowed(1), 200);

  // The fake node agent and disruption controller.
  std::atomic<bool> stop{false};
  std::atomic<int> denied_seen{0};
  std::thread helper([&] {
    auto hc = Client();
    bool reallowed = false;
    while (!stop) {
      auto list = hc.Get(pods);
      int terminating_gone = 0;
      if (list.status == 200) {
        json::value lv = list.Json();
        for (const auto& p : At(lv, "items")->as_array()) {
          if (Str(p, "metadata.deletionTimestamp").empty()) continue;
          hc.Delete(pods + "/" + Str(p, "metadata.name"),
                    json::serialize(json::object{{"gracePeriodSeconds", 0}}));
          ++terminating_gone;
        }
      }
      // After the first eviction the budget is exhausted; once kubectl has been
      // refused at least once (it retries every 5 s), allow one more.
      if (!reallowed && terminating_gone == 0) {
        auto p = hc.Get(pdb + "/web").Json();
        if (Int(p, "status.disruptionsAllowed") == 0 && At(p, "status.disruptedPods") &&
            denied_seen.load() > 0) {
          set_allowed(1);
          reallowed = true;
        }
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
    }
  });
  // Counts 429s as kubectl sees them: poll the budget until a second eviction would fail.
  std::thread watcher([&] {
    auto hc = Client();
    for (int i = 0; i < 100 && !stop; ++i) {
      auto p = hc.Get(pdb + "/web").Json();
      if (Int(p, "status.disruptionsAllowed") == 0) {
        std::this_thread::sleep_for(std::chrono::milliseconds(1500));
        denied_seen = 1;
        return;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
  });

  std::string out;
  int rc = Kubectl(
      {"drain", "drain-n1", "--ignore-daemonsets", "--delete-emptydir-data", "--timeout=60s"},
      &out);
  stop = true;
  helper.join();
  watcher.join();
  EXPECT_EQ(rc, 0) << out;
  EXPECT_NE(out.find("cordoned"), std::string::npos) << out;
  EXPECT_NE(out.find("evicting pod " + ns + "/web-a"), std::string::npos) << out;
  EXPECT_NE(out.find("evicting pod " + ns + "/web-b"), std::string::npos) << out;
  EXPECT_NE(out.find("would violate the pod's disruption budget"), std::string::npos) << out;
  EXPECT_NE(out.find("drained"), std::string::npos) << out;
  auto node = c.Get("/api/v1/nodes/drain-n1").Json();
  EXPECT_EQ(At(node, "spec.unschedulable") ? At(node, "spec.unschedulable")->as_bool() : false,
            true);
  EXPECT_EQ(c.Get(pods + "/web-a").status, 404);
  EXPECT_EQ(c.Get(pods + "/web-b").status, 404);
  EXPECT_EQ(c.Get(pods + "/agent-x").status, 200) << "DaemonSet pods are left alone";
  c.Delete("/api/v1/nodes/drain-n1");
}

}  // namespace
}  // namespace berth::apiserver::testing
