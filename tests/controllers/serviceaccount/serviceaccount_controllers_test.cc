// ServiceAccountsController and RootCaPublisher against a real in-process API server, with their
// workers running: a new namespace gets its "default" ServiceAccount and kube-root-ca.crt, both
// come back when deleted, the ConfigMap is restored when changed, terminating namespaces are left
// alone.
#include <gtest/gtest.h>

#include "../testing/control_plane.h"
#include "controllers/serviceaccount/root_ca_publisher.h"
#include "controllers/serviceaccount/serviceaccounts_controller.h"

namespace berth::controllers {
namespace {

constexpr char kPem[] = "-----BEGIN CERTIFICATE-----\nMIIBfake\n-----END CERTIFICATE-----\n";

class ServiceAccountControllersTest : public ::testing::Test {
 protected:
  void SetUp() override {
    accounts = std::make_unique<ServiceAccountsController>(cp.ctx());
    publisher = std::make_unique<RootCaPublisher>(cp.ctx(), kPem);
    cp.StartInformers();
    accounts->Start(1);
    publisher->Start(1);
  }
  void TearDown() override {
    accounts->Stop();
    publisher->Stop();
    cp.StopInformers();
  }
  void CreateNamespace(const std::string& name) {
    cp.Create("/api/v1/namespaces", json::object{{"apiVersion", "v1"},
                                                 {"kind", "Namespace"},
                                                 {"metadata", json::object{{"name", name}}}});
  }
  bool Exists(const std::string& path) { return cp.client()->Get(path).ok(); }
  std::string CaData(const std::string& ns) {
    auto r = cp.client()->Get("/api/v1/namespaces/" + ns + "/configmaps/kube-root-ca.crt");
    return r.ok() ? GetString(r->as_object(), {"data", "ca.crt"}) : "";
  }

  testing::ControlPlane cp;
  std::unique_ptr<ServiceAccountsController> accounts;
  std::unique_ptr<RootCaPublisher> publisher;
};

TEST_F(ServiceAccountControllersTest, EveryNamespaceGetsDefaultAccountAndRootCa) {
  // The built-in namespaces too.
  for (const char* ns : {"default", "kube-system", "kube-public"}) {
    EXPECT_TRUE(cp.WaitFor([&] { return Exists(std::string("/api/v1/namespaces/") + ns +
                                               "/serviceaccounts/default"); }))
        << ns;
    EXPECT_TRUE(cp.WaitFor([&] { return CaData(ns) == kPem; })) << ns;
  }
  CreateNamespace("team-a");
  EXPECT_TRUE(cp.WaitFor([&] { return Exists("/api/v1/namespaces/team-a/serviceaccounts/default"); }));
  EXPECT_TRUE(cp.WaitFor([&] { return CaData("team-a") == kPem; }));
  auto cm = cp.MustGet("/api/v1/namespaces/team-a/configmaps/kube-root-ca.crt");
  EXPECT_FALSE(GetString(cm, {"metadata", "annotations", "kubernetes.io/description"}).empty());
}

TEST_F(ServiceAccountControllersTest, RecreatesDeletedObjects) {
  CreateNamespace("team-b");
  const std::string sa = "/api/v1/namespaces/team-b/serviceaccounts/default";
  const std::string cm = "/api/v1/namespaces/team-b/configmaps/kube-root-ca.crt";
  ASSERT_TRUE(cp.WaitFor([&] { return Exists(sa) && Exists(cm); }));
  std::string old_sa_uid = GetString(cp.MustGet(sa), {"metadata", "uid"});
  std::string old_cm_uid = GetString(cp.MustGet(cm), {"metadata", "uid"});
  ASSERT_TRUE(cp.client()->Delete(sa).ok());
  ASSERT_TRUE(cp.client()->Delete(cm).ok());
  EXPECT_TRUE(cp.WaitFor([&] {
    auto r = cp.client()->Get(sa);
    return r.ok() && GetString(r->as_object(), {"metadata", "uid"}) != old_sa_uid;
  }));
  EXPECT_TRUE(cp.WaitFor([&] {
    auto r = cp.client()->Get(cm);
    return r.ok() && GetString(r->as_object(), {"metadata", "uid"}) != old_cm_uid;
  }));
  EXPECT_EQ(CaData("team-b"), kPem);
}

TEST_F(ServiceAccountControllersTest, RestoresChangedConfigMap) {
  CreateNamespace("team-c");
  const std::string cm = "/api/v1/namespaces/team-c/configmaps/kube-root-ca.crt";
  ASSERT_TRUE(cp.WaitFor([&] { return CaData("team-c") == kPem; }));
  auto r = cp.client()->Patch(cm, json::object{{"data", json::object{{"ca.crt", "changed"},
                                                                      {"extra", "x"}}}});
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_TRUE(cp.WaitFor([&] {
    auto got = cp.client()->Get(cm);
    if (!got.ok()) return false;
    const json::value* d = got->as_object().if_contains("data");
    return d && d->is_object() && d->as_object() == json::object{{"ca.crt", kPem}};
  }));
}

TEST_F(ServiceAccountControllersTest, SkipsTerminatingNamespaces) {
  json::object ns{{"metadata", json::object{{"name", "gone"}}},
                  {"status", json::object{{"phase", "Terminating"}}}};
  EXPECT_TRUE(NamespaceTerminating(ns));
  ns["status"].as_object()["phase"] = "Active";
  EXPECT_FALSE(NamespaceTerminating(ns));
  ns["metadata"].as_object()["deletionTimestamp"] = "2026-01-01T00:00:00Z";
  EXPECT_TRUE(NamespaceTerminating(ns));
  // Sync of a namespace that does not exist does nothing and succeeds.
  EXPECT_TRUE(accounts->SyncNow("no-such-ns").ok());
  EXPECT_TRUE(publisher->SyncNow("no-such-ns").ok());
  EXPECT_FALSE(Exists("/api/v1/namespaces/no-such-ns/serviceaccounts/default"));
}

}  // namespace
}  // namespace berth::controllers
