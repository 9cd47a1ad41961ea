// Integration: the pods/ephemeralcontainers subresource against a real in-process API server:
// GET returns the Pod, PUT and strategic-merge PATCH add ephemeral containers and change
// nothing else, existing ones cannot be removed, and the main endpoint leaves them alone.
#include "integration_fixture.h"

namespace berth::apiserver::testing {
namespace {

class PodEphemeral : public IntegrationTest {
 protected:
  static std::string PodPath(const std::string& ns, const std::string& name) {
    return "/api/v1/namespaces/" + ns + "/pods/" + name;
  }
  static json::object Pod(const std::string& name) {
    return json::object{
        {"apiVersion", "v1"},
        {"kind", "Pod"},
        {"metadata", json::object{{"name", name}}},
        {"spec", json::object{{"nodeName", "n1"},
                              {"containers", json::array{json::object{{"name", "c"},
                                                                      {"image", "busybox"}}}}}}};
  }
  static size_t EphemeralCount(const json::value& pod) {
    const json::value* ecs = At(pod, "spec.ephemeralContainers");
    return ecs && ecs->is_array() ? ecs->get_array().size() : 0;
  }
};

TEST_F(PodEphemeral, AddThroughTheSubresourceOnly) {
  std::string ns = MakeNamespace();
  ASSERT_EQ(Client().Post("/api/v1/namespaces/" + ns + "/pods", Pod("p")).status, 201);
  std::string path = PodPath(ns, "p") + "/ephemeralcontainers";

  auto got = Client().Get(path);
  ASSERT_EQ(got.status, 200) << got.body;
  EXPECT_EQ(Str(got.Json(), "kind"), "Pod");
  EXPECT_EQ(EphemeralCount(got.Json()), 0u);

  // kubectl debug's strategic merge patch; labels in the same patch are ignored.
  auto r = Client().Patch(path, "application/strategic-merge-patch+json",
                          R"({"metadata":{"labels":{"x":"y"}},"spec":{"ephemeralContainers":[
                               {"name":"dbg","image":"busybox","targetContainerName":"c"}]}})");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(EphemeralCount(r.Json()), 1u);
  EXPECT_EQ(Str(r.Json(), "metadata.labels.x"), "");

  // PUT with one more container.
  json::value pod = Client().Get(path).Json();
  pod.as_object()["spec"].as_object()["ephemeralContainers"].as_array().push_back(
      json::object{{"name", "dbg2"}, {"image", "busybox"}});
  r = Client().Put(path, pod);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(EphemeralCount(r.Json()), 2u);

  // Removing one is refused.
  json::value fewer = Client().Get(path).Json();
  fewer.as_object()["spec"].as_object()["ephemeralContainers"].as_array().pop_back();
  EXPECT_TRUE(IsStatus(Client().Put(path, fewer), 422, "Invalid"));

  // The main endpoint neither removes nor adds them.
  json::value main = Client().Get(PodPath(ns, "p")).Json();
  main.as_object()["spec"].as_object().erase("ephemeralContainers");
  main.as_object()["metadata"].as_object()["labels"] = json::object{{"updated", "yes"}};
  r = Client().Put(PodPath(ns, "p"), main);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(EphemeralCount(r.Json()), 2u);
  EXPECT_EQ(Str(r.Json(), "metadata.labels.updated"), "yes");

  // Not on create.
  json::object with = Pod("q");
  with["spec"].as_object()["ephemeralContainers"] =
      json::array{json::object{{"name", "dbg"}, {"image", "busybox"}}};
  EXPECT_TRUE(IsStatus(Client().Post("/api/v1/namespaces/" + ns + "/pods", with), 422, "Invalid"));
}

}  // namespace
}  // namespace berth::apiserver::testing
