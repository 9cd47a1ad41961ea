// The agent against a real in-process API server, with the fake runtime: registration, lease,
// pod lifecycle (running, ready, exit per restart policy, graceful deletion) as the API shows it.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <thread>

#include "agent/agent.h"
#include "apiserver/server.h"
#include "client/api_client.h"

namespace berth::agent {
namespace {

class FakeNodeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = "/tmp/berth-fakenode-" + std::to_string(getpid()) + "-" +
           ::testing::UnitTest::GetInstance()->current_test_info()->name();
    std::filesystem::remove_all(dir_);
    apiserver::ServerOptions so;
    so.data_dir = dir_ + "/server";
    so.listen = "127.0.0.1:0";
    so.worker_threads = 8;
    server_ = std::make_unique<apiserver::Server>(so);
    ASSERT_TRUE(server_->Start().ok());
    auto cfg = client::LoadKubeconfig(dir_ + "/server/kubeconfig");
    ASSERT_TRUE(cfg.ok()) << cfg.status().ToString();
    api_ = std::make_unique<client::ApiClient>(*cfg);
  }
  void TearDown() override {
    for (auto& a : agents_) a->Stop();
    agents_.clear();
    server_->Stop();
    std::filesystem::remove_all(dir_);
  }

  Agent* StartAgent(const std::string& node, bool join_with_token) {
    AgentOptions o;
    o.server = server_->url();
    o.data_dir = dir_ + "/" + node;
    o.node_name = node;
    o.runtime = "fake";
    if (join_with_token) {
      o.token_file = dir_ + "/server/pki/join.token";
    } else {
      auto c = server_->IssueNodeCredentials(node, {"127.0.0.1"});
      EXPECT_TRUE(c.ok());
      o.credentials = *c;
    }
    agents_.push_back(std::make_unique<Agent>(o));
    Status s = agents_.back()->Start();
    EXPECT_TRUE(s.ok()) << s.ToString();
    return agents_.back().get();
  }

  // Polls `path` until `pred` holds (10 s).
  json::value WaitFor(const std::string& path, const std::function<bool(const json::value&)>& pred,
                      int seconds = 10) {
    json::value last;
    for (int i = 0; i < seconds * 20; ++i) {
      auto r = api_->Get(path);
      if (r.ok()) {
        last = *r;
        if (pred(last)) return last;
      } else if (pred(json::value())) {
        return json::value();
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    ADD_FAILURE() << "timed out waiting on " << path << "; last: " << json::serialize(last);
    return last;
  }

  void CreatePod(const std::string& name, const std::string& node, const std::string& extra_meta,
                 const std::string& restart_policy, const std::string& probe = "") {
    std::string body = R"({"apiVersion":"v1","kind":"Pod","metadata":{"name":")" + name +
                       R"(","namespace":"default")" + extra_meta + R"(},"spec":{"nodeName":")" +
                       node + R"(","restartPolicy":")" + restart_policy +
                       R"(","terminationGracePeriodSeconds":1,"containers":[{"name":"c","image":"fake/img:1")" +
                       probe + "}]}}";
    auto r = api_->Create("/api/v1/namespaces/default/pods", *ParseJson(body));
    ASSERT_TRUE(r.ok()) << r.status().ToString();
  }

  std::string dir_;
  std::unique_ptr<apiserver::Server> server_;
  std::unique_ptr<client::ApiClient> api_;
  std::vector<std::unique_ptr<Agent>> agents_;
};

TEST_F(FakeNodeTest, JoinsWithTokenRegistersNodeAndLease) {
  StartAgent("n1", /*join_with_token=*/true);
  auto node = WaitFor("/api/v1/nodes/n1", [](const json::value& v) { return !v.is_null(); });
  bool ready = false;
  for (const auto& c : GetPath(node, {"status", "conditions"})->as_array())
    if (GetString(c.as_object(), {"type"}) == "Ready") ready = GetString(c.as_object(), {"status"}) == "True";
  EXPECT_TRUE(ready);
  EXPECT_NE(GetString(node, {"status", "capacity", "cpu"}), "");
  auto lease = api_->Get("/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases/n1");
  ASSERT_TRUE(lease.ok()) << lease.status().ToString();
  EXPECT_EQ(GetString(*lease, {"spec", "holderIdentity"}), "n1");
  // A wrong join token is refused.
  client::ClientConfig bad;
  bad.server = server_->url();
  bad.token = "not-the-token";
  client::ApiClient c(bad);
  auto r = c.Do("POST", "/berth/v1/join", R"({"nodeName":"evil"})");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->status, 401);
}

TEST_F(FakeNodeTest, PodRunsBecomesReadyAndIsDeletedGracefully) {
  StartAgent("n1", false);
  CreatePod("web", "n1", "", "Always");
  auto pod = WaitFor("/api/v1/namespaces/default/pods/web", [](const json::value& v) {
    return GetString(v, {"status", "phase"}) == "Running" &&
           GetPath(v, {"status", "containerStatuses"}) &&
           GetPath(v, {"status", "containerStatuses"})->as_array()[0].as_object().at("ready").as_bool();
  });
  EXPECT_EQ(GetString(pod, {"status", "hostIP"}), "127.0.0.1");
  EXPECT_NE(GetString(pod, {"status", "startTime"}), "");
  EXPECT_EQ(GetString(pod, {"status", "qosClass"}), "BestEffort");
  ASSERT_TRUE(api_->Delete("/api/v1/namespaces/default/pods/web").ok());
  WaitFor("/api/v1/namespaces/default/pods/web", [](const json::value& v) { return v.is_null(); });
}

TEST_F(FakeNodeTest, ConditionsTheNodeDoesNotOwnSurviveItsStatusWrites) {
  StartAgent("n1", false);
  CreatePod("evicted", "n1", "", "Never");
  const std::string path = "/api/v1/namespaces/default/pods/evicted";
  WaitFor(path, [](const json::value& v) { return GetString(v, {"status", "phase"}) == "Running"; });
  // What an eviction adds before its delete; the node then reports the pod's end.
  auto pod = api_->Get(path);
  ASSERT_TRUE(pod.ok());
  json::object status = GetPath(*pod, {"status"})->as_object();
  status["conditions"].as_array().push_back(json::object{
      {"type", "DisruptionTarget"}, {"status", "True"}, {"reason", "EvictionByEvictionAPI"}});
  ASSERT_TRUE(api_->Patch(path + "/status", json::object{{"status", status}}).ok());
  json::object opts{{"kind", "DeleteOptions"}, {"apiVersion", "v1"}, {"gracePeriodSeconds", 1}};
  json::object fin{{"metadata", json::object{{"finalizers", json::array{"test/keep"}}}}};
  ASSERT_TRUE(api_->Patch(path, fin).ok());
  ASSERT_TRUE(api_->Delete(path, opts).ok());
  auto done = WaitFor(path, [](const json::value& v) {
    const std::string phase = GetString(v, {"status", "phase"});
    return phase == "Failed" || phase == "Succeeded";
  });
  bool kept = false;
  for (const auto& c : GetPath(done, {"status", "conditions"})->as_array()) {
    if (GetString(c.as_object(), {"type"}) == "DisruptionTarget") {
      kept = GetString(c.as_object(), {"status"}) == "True";
    }
  }
  EXPECT_TRUE(kept) << json::serialize(done);
  ASSERT_TRUE(api_->Patch(path, json::object{{"metadata", json::object{{"finalizers", nullptr}}}}).ok());
}

TEST_F(FakeNodeTest, ExitCodesFollowRestartPolicy) {
  StartAgent("n1", false);
  std::string fail = R"(,"annotations":{"fake.berth.dev/run-seconds":"0","fake.berth.dev/exit-code":"3"})";
  std::string ok = R"(,"annotations":{"fake.berth.dev/run-seconds":"0","fake.berth.dev/exit-code":"0"})";
  CreatePod("never-fails", "n1", fail, "Never");
  CreatePod("never-ok", "n1", ok, "Never");
  CreatePod("always-fails", "n1", fail, "Always");
  auto failed = WaitFor("/api/v1/namespaces/default/pods/never-fails", [](const json::value& v) {
    return GetString(v, {"status", "phase"}) == "Failed";
  });
  const auto& cs = GetPath(failed, {"status", "containerStatuses"})->as_array()[0].as_object();
  EXPECT_EQ(GetInt(cs, {"state", "terminated", "exitCode"}), 3);
  EXPECT_EQ(GetString(cs, {"state", "terminated", "reason"}), "Error");
  WaitFor("/api/v1/namespaces/default/pods/never-ok", [](const json::value& v) {
    return GetString(v, {"status", "phase"}) == "Succeeded";
  });
  // Always: restarted with back-off; CrashLoopBackOff is shown while waiting.
  auto looping = WaitFor("/api/v1/namespaces/default/pods/always-fails", [](const json::value& v) {
    return GetString(v, {"status", "containerStatuses", "0", "state", "waiting", "reason"}) ==
               "CrashLoopBackOff" ||
           (GetPath(v, {"status", "containerStatuses"}) &&
            GetString(GetPath(v, {"status", "containerStatuses"})->as_array()[0].as_object(),
                      {"state", "waiting", "reason"}) == "CrashLoopBackOff");
  });
  const auto& lcs = GetPath(looping, {"status", "containerStatuses"})->as_array()[0].as_object();
  EXPECT_EQ(GetInt(lcs, {"lastState", "terminated", "exitCode"}), 3);
}

TEST_F(FakeNodeTest, ReadinessProbeFailureKeepsPodUnready) {
  StartAgent("n1", false);
  CreatePod("unready", "n1", R"(,"annotations":{"fake.berth.dev/exec-exit-code":"1"})", "Always",
            R"(,"readinessProbe":{"exec":{"command":["check"]},"periodSeconds":1})");
  auto pod = WaitFor("/api/v1/namespaces/default/pods/unready", [](const json::value& v) {
    return GetString(v, {"status", "phase"}) == "Running";
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  auto again = api_->Get("/api/v1/namespaces/default/pods/unready");
  ASSERT_TRUE(again.ok());
  for (const auto& c : GetPath(*again, {"status", "conditions"})->as_array())
    if (GetString(c.as_object(), {"type"}) == "Ready") {
      EXPECT_EQ(GetString(c.as_object(), {"status"}), "False");
      EXPECT_EQ(GetString(c.as_object(), {"reason"}), "ContainersNotReady");
    }
}

TEST_F(FakeNodeTest, AgentRidesOutAServerOutage) {
  StartAgent("n1", false);
  CreatePod("before", "n1", "", "Always");
  WaitFor("/api/v1/namespaces/default/pods/before",
          [](const json::value& v) { return GetString(v, {"status", "phase"}) == "Running"; });
  // The server goes away for a while and comes back on the same address and data.
  uint16_t port = server_->port();
  server_->Stop();
  server_.reset();
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  apiserver::ServerOptions so;
  so.data_dir = dir_ + "/server";
  so.listen = "127.0.0.1:" + std::to_string(port);
  so.worker_threads = 8;
  server_ = std::make_unique<apiserver::Server>(so);
  ASSERT_TRUE(server_->Start().ok());
  // The agent re-lists and re-watches: a pod created after the outage runs too. (An in-process
  // Stop can leave the old watch connection half-open, so this may take the agent's 30 s
  // stream idle timeout.)
  CreatePod("after", "n1", "", "Always");
  WaitFor("/api/v1/namespaces/default/pods/after",
          [](const json::value& v) { return GetString(v, {"status", "phase"}) == "Running"; }, 45);
  auto before = api_->Get("/api/v1/namespaces/default/pods/before");
  ASSERT_TRUE(before.ok());
  EXPECT_EQ(GetString(*before, {"status", "phase"}), "Running");
}

}  // namespace
}  // namespace berth::agent

namespace berth::agent {
namespace {

TEST_F(FakeNodeTest, EphemeralContainerStartsOnceInARunningPod) {
  StartAgent("n1", false);
  CreatePod("dbg", "n1", "", "Always");
  WaitFor("/api/v1/namespaces/default/pods/dbg", [](const json::value& v) {
    return GetString(v, {"status", "phase"}) == "Running";
  });
  auto r = api_->Patch("/api/v1/namespaces/default/pods/dbg/ephemeralcontainers",
                       *ParseJson(R"({"spec":{"ephemeralContainers":[
                           {"name":"debugger","image":"fake/img:1"}]}})"));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  auto pod = WaitFor("/api/v1/namespaces/default/pods/dbg", [](const json::value& v) {
    const auto* es = GetPath(v, {"status", "ephemeralContainerStatuses"});
    return es && es->is_array() && es->as_array().size() == 1 &&
           GetPath(es->as_array()[0], {"state", "running"}) != nullptr;
  });
  const auto& st = GetPath(pod, {"status", "ephemeralContainerStatuses"})->as_array()[0];
  EXPECT_EQ(GetString(st, {"name"}), "debugger");
  EXPECT_EQ(GetInt(st, {"restartCount"}), 0);
  // The pod's own containers are untouched and it stays Running.
  EXPECT_EQ(GetString(pod, {"status", "phase"}), "Running");
  EXPECT_EQ(GetPath(pod, {"status", "containerStatuses"})->as_array().size(), 1u);
}

}  // namespace
}  // namespace berth::agent
