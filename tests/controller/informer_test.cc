// Informer, LocalClient and LeaderElector against a real in-process API server.
#include "controller/informer.h"

#include <gtest/gtest.h>

#include <mutex>

#include "controller/leader_election.h"
#include "controllers/testing/control_plane.h"

namespace berth::controller {
namespace {

json::object ConfigMap(const std::string& name, const std::string& app) {
  return json::object{{"apiVersion", "v1"},
                      {"kind", "ConfigMap"},
                      {"metadata", json::object{{"name", name}, {"labels", json::object{{"app", app}}}}},
                      {"data", json::object{{"k", "v"}}}};
}

TEST(LocalClientTest, ServesTheApiInProcessWithItsErrors) {
  testing::ControlPlane cp;
  auto* c = cp.client();
  auto created = c->Create("/api/v1/namespaces/default/configmaps", ConfigMap("a", "x"));
  ASSERT_TRUE(created.ok()) << created.status().ToString();
  EXPECT_FALSE(GetString(created->as_object(), {"metadata", "uid"}).empty());
  auto again = c->Create("/api/v1/namespaces/default/configmaps", ConfigMap("a", "x"));
  EXPECT_EQ(again.status().reason(), Reason::kAlreadyExists);
  auto missing = c->Get("/api/v1/namespaces/default/configmaps/nope");
  EXPECT_EQ(missing.status().reason(), Reason::kNotFound);
  auto bad = c->Create("/api/v1/namespaces/default/configmaps",
                       json::object{{"apiVersion", "v1"}, {"kind", "ConfigMap"},
                                    {"metadata", json::object{{"name", "Bad_Name"}}}});
  EXPECT_EQ(bad.status().reason(), Reason::kInvalid);
  auto patched = c->Patch("/api/v1/namespaces/default/configmaps/a",
                          json::object{{"data", json::object{{"k", "w"}}}});
  ASSERT_TRUE(patched.ok());
  EXPECT_EQ(GetString(patched->as_object(), {"data", "k"}), "w");
  EXPECT_TRUE(c->Delete("/api/v1/namespaces/default/configmaps/a").ok());
  EXPECT_EQ(c->Delete("/api/v1/namespaces/default/configmaps/a").reason(), Reason::kNotFound);
}

TEST(InformerTest, ListsWatchesAndNotifies) {
  testing::ControlPlane cp;
  cp.Create("/api/v1/namespaces/default/configmaps", ConfigMap("before", "x"));
  Informer* inf = cp.informers()->For("/api/v1/configmaps");
  std::mutex mu;
  std::vector<std::string> seen;
  inf->AddHandler(EventHandler{
      [&](const ObjectPtr& o) {
        std::lock_guard<std::mutex> l(mu);
        seen.push_back("add " + KeyOf(*o));
      },
      [&](const ObjectPtr&, const ObjectPtr& n) {
        std::lock_guard<std::mutex> l(mu);
        seen.push_back("update " + KeyOf(*n) + " " + GetString(*n, {"data", "k"}));
      },
      [&](const ObjectPtr& o) {
        std::lock_guard<std::mutex> l(mu);
        seen.push_back("delete " + KeyOf(*o));
      }});
  cp.StartInformers();
  ASSERT_NE(inf->Get("default", "before"), nullptr);
  cp.Create("/api/v1/namespaces/default/configmaps", ConfigMap("after", "y"));
  ASSERT_TRUE(cp.client()->Patch("/api/v1/namespaces/default/configmaps/before",
                                 json::object{{"data", json::object{{"k", "z"}}}}).ok());
  ASSERT_TRUE(cp.client()->Delete("/api/v1/namespaces/default/configmaps/after").ok());
  ASSERT_TRUE(cp.WaitFor([&] {
    std::lock_guard<std::mutex> l(mu);
    return seen.size() >= 4;
  }));
  std::lock_guard<std::mutex> l(mu);
  EXPECT_EQ(seen, (std::vector<std::string>{"add default/before", "add default/after",
                                            "update default/before z", "delete default/after"}));
  EXPECT_EQ(inf->Get("default", "after"), nullptr);
  auto sel = api::selector::ParseLabelSelector("app=x");
  ASSERT_TRUE(sel.ok());
  EXPECT_EQ(inf->List("default", *sel).size(), 1u);
  EXPECT_EQ(inf->List("other").size(), 0u);
}

TEST(LeaderElectionTest, OneLeaderAtATimeAndTakeoverAfterExpiry) {
  testing::ControlPlane cp;
  LeaderElectionConfig a_cfg;
  a_cfg.identity = "a";
  LeaderElectionConfig b_cfg = a_cfg;
  b_cfg.identity = "b";
  LeaderElector a(cp.client(), &cp.clock, a_cfg, nullptr, nullptr);
  LeaderElector b(cp.client(), &cp.clock, b_cfg, nullptr, nullptr);
  EXPECT_TRUE(a.TryAcquireOrRenew());
  EXPECT_FALSE(b.TryAcquireOrRenew());
  cp.clock.Advance(std::chrono::seconds(10));
  EXPECT_TRUE(a.TryAcquireOrRenew());  // renewal
  cp.clock.Advance(std::chrono::seconds(10));
  EXPECT_FALSE(b.TryAcquireOrRenew()) << "renewed 10 s ago, lease is 15 s";
  cp.clock.Advance(std::chrono::seconds(6));
  EXPECT_TRUE(b.TryAcquireOrRenew()) << "a stopped renewing";
  EXPECT_FALSE(a.TryAcquireOrRenew());
  auto lease = cp.MustGet("/apis/coordination.k8s.io/v1/namespaces/kube-system/leases/"
                          "berth-controller-manager");
  EXPECT_EQ(GetString(lease, {"spec", "holderIdentity"}), "b");
  EXPECT_EQ(GetInt(lease, {"spec", "leaseTransitions"}), 1);
  b.Release();
  EXPECT_TRUE(a.TryAcquireOrRenew()) << "a released lease is free at once";
}

}  // namespace
}  // namespace berth::controller
