// Shared fixture of the ReplicaSet/Deployment controller tests: a real in-process control plane,
// both controllers driven by SyncNow, helpers that wait for the informers to catch up with the
// server and that play kubelet by marking pods Ready through pods/status.
#pragma once

#include <gtest/gtest.h>

#include <future>
#include <map>
#include <memory>
#include <string>

#include "controllers/deployment/deployment_controller.h"
#include "controllers/deployment/replicaset_controller.h"
#include "controllers/testing/control_plane.h"

namespace berth::controllers {

inline constexpr const char* kPods = "/api/v1/namespaces/default/pods";
inline constexpr const char* kRss = "/apis/apps/v1/namespaces/default/replicasets";
inline constexpr const char* kDeploys = "/apis/apps/v1/namespaces/default/deployments";

inline json::object PodTemplate(const std::string& app, const std::string& image) {
  return json::object{
      {"metadata", json::object{{"labels", json::object{{"app", app}}}}},
      {"spec", json::object{{"containers",
                             json::array{json::object{{"name", "c"}, {"image", image}}}}}}};
}

// The next key of `q` within `timeout` (Get promotes due delayed keys); false on timeout.
inline bool NextKey(controller::WorkQueue& q, std::string* key,
                    std::chrono::milliseconds timeout = std::chrono::seconds(5)) {
  auto f = std::async(std::launch::async, [&q] {
    std::string k;
    return q.Get(&k) ? k : std::string();
  });
  if (f.wait_for(timeout) != std::future_status::ready) {
    q.ShutDown();  // unblocks Get
    f.wait();
    return false;
  }
  *key = f.get();
  return !key->empty();
}

class ControllersTest : public ::testing::Test {
 protected:
  void SetUp() override {
    rsc_ = std::make_unique<ReplicaSetController>(cp_.ctx());
    dc_ = std::make_unique<DeploymentController>(cp_.ctx());
    cp_.StartInformers();
  }
  // The informers' handlers call into the controllers, destroyed before cp_: stop them first.
  void TearDown() override { cp_.StopInformers(); }

  // Waits until the informer caches hold exactly what the server has.
  void WaitCaches() {
    for (auto [collection, all] : {std::pair<const char*, const char*>{kPods, "/api/v1/pods"},
                                   {kRss, "/apis/apps/v1/replicasets"},
                                   {kDeploys, "/apis/apps/v1/deployments"}}) {
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

  void SyncAllRs() {
    WaitCaches();
    for (const auto& rs : cp_.List(kRss)) {
      Status st = rsc_->SyncNow("default/" + GetString(rs, {"metadata", "name"}));
      EXPECT_TRUE(st.ok()) << st.ToString();
    }
    WaitCaches();
  }
  void SyncDeploy(const std::string& name) {
    WaitCaches();
    Status st = dc_->SyncNow("default/" + name);
    EXPECT_TRUE(st.ok()) << st.ToString();
    WaitCaches();
  }

  // Plays kubelet: the pod runs and is Ready since now.
  void MarkReady(const json::object& pod) {
    std::string name = GetString(pod, {"metadata", "name"});
    json::object patch{
        {"status",
         json::object{{"phase", "Running"},
                      {"conditions",
                       json::array{json::object{
                           {"type", "Ready"},
                           {"status", "True"},
                           {"lastTransitionTime", FormatRfc3339(cp_.clock.Now())}}}}}}};
    auto r = cp_.client()->Patch(std::string(kPods) + "/" + name + "/status", patch,
                                 client::PatchType::kMerge);
    // A pod deleted meanwhile (workers running) is fine.
    EXPECT_TRUE(r.ok() || r.status().reason() == Reason::kNotFound) << r.status().ToString();
  }
  void MarkAllReady() {
    for (const auto& p : cp_.List(kPods)) {
      if (GetString(p, {"status", "phase"}) != "Running") MarkReady(p.as_object());
    }
  }

  json::object Rs(const std::string& name) { return cp_.MustGet(std::string(kRss) + "/" + name); }
  json::object Deploy(const std::string& name) {
    return cp_.MustGet(std::string(kDeploys) + "/" + name);
  }
  // Pods controlled by the RS named `rs` (all pods when empty).
  int CountPods(const std::string& rs = "", bool ready_only = false) {
    int n = 0;
    for (const auto& p : cp_.List(kPods)) {
      const json::value* refs = GetPath(p, {"metadata", "ownerReferences"});
      std::string owner = refs && refs->is_array() && !refs->as_array().empty()
                              ? GetString(refs->as_array()[0], {"name"})
                              : "";
      if (!rs.empty() && owner != rs) continue;
      if (ready_only && GetString(p, {"status", "phase"}) != "Running") continue;
      n++;
    }
    return n;
  }

  testing::ControlPlane cp_;
  std::unique_ptr<ReplicaSetController> rsc_;
  std::unique_ptr<DeploymentController> dc_;
};

}  // namespace berth::controllers
