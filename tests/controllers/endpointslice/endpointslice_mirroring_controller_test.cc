// EndpointSliceMirroringController against a real in-process API server: the Endpoints of a
// selector-less Service are mirrored, follow updates, and go away with the Endpoints or when
// the Service gains a selector.
#include "controllers/endpointslice/endpointslice_mirroring_controller.h"

#include <gtest/gtest.h>

#include "controllers/endpointslice/mirror_planner.h"
#include "fixture.h"

namespace berth::controllers {
namespace {

class MirroringTest : public EndpointsFixture {
 protected:
  void SetUp() override {
    cp.clock.Advance(std::chrono::system_clock::now() - cp.clock.Now());
    controller::Context ctx = cp.ctx();
    ctx.client = &counting;
    mirror = std::make_unique<EndpointSliceMirroringController>(ctx);
    cp.StartInformers();
  }
  void TearDown() override {
    cp.StopInformers();
    mirror.reset();
  }
  void SyncMirror(const std::string& name) {
    CatchUp();
    Status s = mirror->SyncNow("default/" + name);
    EXPECT_TRUE(s.ok()) << s.ToString();
  }
  void PutEndpoints(const std::string& name, const std::string& ip, int64_t port) {
    json::object ep{{"apiVersion", "v1"},
                    {"kind", "Endpoints"},
                    {"metadata", json::object{{"name", name}, {"labels", json::object{{"custom", "x"}}}}},
                    {"subsets", json::array{json::object{
                                    {"addresses", json::array{json::object{{"ip", ip}}}},
                                    {"ports", json::array{json::object{{"name", "http"}, {"port", port}}}}}}}};
    auto cur = cp.client()->Get(std::string(kEndpoints) + "/" + name);
    if (cur.ok()) {
      ep["metadata"].as_object()["resourceVersion"] = GetString(*cur, {"metadata", "resourceVersion"});
      ASSERT_TRUE(cp.client()->Update(std::string(kEndpoints) + "/" + name, ep).ok());
    } else {
      cp.Create(kEndpoints, ep);
    }
  }
  // "ip:port" of every mirrored slice of `name`.
  std::vector<std::string> Mirrored(const std::string& name) {
    std::vector<std::string> out;
    for (const auto& s : SlicesOf(name)) {
      if (GetString(s, {"metadata", "labels", endpoints::kManagedByLabel}) != endpoints::kMirrorManagedByValue)
        continue;
      EXPECT_EQ(GetString(s, {"metadata", "labels", "custom"}), "x");
      EXPECT_EQ(GetString(s.at("metadata").at("ownerReferences").as_array().at(0), {"kind"}), "Endpoints");
      std::string port = std::to_string(GetInt(s.at("ports").as_array().at(0), {"port"}));
      for (const auto& e : s.at("endpoints").as_array())
        out.push_back(std::string(e.at("addresses").as_array().at(0).as_string()) + ":" + port);
    }
    return out;
  }

  std::unique_ptr<EndpointSliceMirroringController> mirror;
};

TEST_F(MirroringTest, MirrorsCreateUpdateAndDelete) {
  CreateService("ext", {}, json::array{Port("http", 80)});
  PutEndpoints("ext", "10.1.2.3", 80);
  SyncMirror("ext");
  EXPECT_EQ(Mirrored("ext"), std::vector<std::string>{"10.1.2.3:80"});

  int writes = counting.writes;
  SyncMirror("ext");  // nothing changed: no write
  EXPECT_EQ(counting.writes, writes);

  PutEndpoints("ext", "10.2.3.4", 8080);
  SyncMirror("ext");
  EXPECT_EQ(Mirrored("ext"), std::vector<std::string>{"10.2.3.4:8080"});
  EXPECT_EQ(SlicesOf("ext").size(), 1u);

  ASSERT_TRUE(cp.client()->Delete(std::string(kEndpoints) + "/ext", json::object{}).ok());
  SyncMirror("ext");
  EXPECT_TRUE(SlicesOf("ext").empty());
}

TEST_F(MirroringTest, ServicesWithSelectorsAreNotMirrored) {
  CreateService("sel", json::object{{"app", "a"}}, json::array{Port("http", 80)});
  PutEndpoints("sel", "10.1.2.3", 80);
  SyncMirror("sel");
  EXPECT_TRUE(Mirrored("sel").empty());

  // Without a service nothing is mirrored either.
  PutEndpoints("orphan", "10.1.2.4", 80);
  SyncMirror("orphan");
  EXPECT_TRUE(Mirrored("orphan").empty());
}

TEST_F(MirroringTest, GainingASelectorRemovesTheMirror) {
  CreateService("ext", {}, json::array{Port("http", 80)});
  PutEndpoints("ext", "10.1.2.3", 80);
  SyncMirror("ext");
  ASSERT_EQ(Mirrored("ext").size(), 1u);
  auto r = cp.client()->Patch("/api/v1/namespaces/default/services/ext",
                              json::object{{"spec", json::object{{"selector", json::object{{"app", "b"}}}}}});
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  SyncMirror("ext");
  EXPECT_TRUE(Mirrored("ext").empty());
}

TEST_F(MirroringTest, DeletedMirrorIsRecreatedByTheWorkers) {
  mirror->Start(1);
  CreateService("ext", {}, json::array{Port("http", 80)});
  PutEndpoints("ext", "10.1.2.3", 80);
  ASSERT_TRUE(cp.WaitFor([&] { return Mirrored("ext").size() == 1; }));
  std::string name = GetString(SlicesOf("ext").at(0), {"metadata", "name"});
  ASSERT_TRUE(cp.client()->Delete(std::string(kSlices) + "/" + name, json::object{}).ok());
  ASSERT_TRUE(cp.WaitFor([&] {
    auto s = SlicesOf("ext");
    return s.size() == 1 && GetString(s.at(0), {"metadata", "name"}) != name;
  }));
  EXPECT_EQ(Mirrored("ext"), std::vector<std::string>{"10.1.2.3:80"});
}

}  // namespace
}  // namespace berth::controllers
