// Pod validation of spec.ephemeralContainers: not on create, append-only on update, no ports,
// probes, hooks or resources, a target that names a container, defaults like containers.
#include <gtest/gtest.h>

#include "api/kinds/kinds.h"
#include "common/json.h"

namespace berth::api {
namespace {

json::object Obj(const char* text) { return ParseJson(text).value().as_object(); }

ResourceTypePtr Pods() {
  static Registry* r = [] {
    auto* reg = new Registry();
    RegisterCoreKinds(*reg);
    return reg;
  }();
  return r->Find("", "v1", "pods");
}

std::string Causes(const std::vector<Cause>& causes) {
  std::string all;
  for (const auto& c : causes) all += c.type + " " + c.field + ": " + c.message + "\n";
  return all;
}

json::object RunningPod() {
  json::object pod = Obj(R"({"metadata":{"name":"p","namespace":"ns"},
                             "spec":{"containers":[{"name":"app","image":"busybox"}]}})");
  Pods()->default_fn(pod);
  return pod;
}

json::object WithEphemeral(json::object pod, const char* ec_json) {
  auto& spec = pod["spec"].as_object();
  if (!spec.contains("ephemeralContainers")) spec["ephemeralContainers"] = json::array();
  spec["ephemeralContainers"].as_array().push_back(Obj(ec_json));
  Pods()->default_fn(pod);
  return pod;
}

TEST(CorePodEphemeral, ForbiddenOnCreate) {
  json::object pod = WithEphemeral(RunningPod(), R"({"name":"dbg","image":"busybox"})");
  auto causes = Pods()->validate_fn(pod, nullptr);
  ASSERT_EQ(causes.size(), 1u) << Causes(causes);
  EXPECT_EQ(causes[0].field, "spec.ephemeralContainers");
  EXPECT_EQ(causes[0].type, "FieldValueForbidden");
}

TEST(CorePodEphemeral, MayBeAddedButNotChangedOrRemoved) {
  json::object old = RunningPod();
  json::object one = WithEphemeral(old, R"({"name":"dbg","image":"busybox","targetContainerName":"app"})");
  EXPECT_TRUE(Pods()->validate_fn(one, &old).empty()) << Causes(Pods()->validate_fn(one, &old));
  // Defaulted like a container.
  const auto& ec = one["spec"].as_object()["ephemeralContainers"].as_array()[0].as_object();
  EXPECT_EQ(GetString(ec, {"terminationMessagePolicy"}), "File");
  json::object two = WithEphemeral(one, R"({"name":"dbg2","image":"busybox"})");
  EXPECT_TRUE(Pods()->validate_fn(two, &one).empty()) << Causes(Pods()->validate_fn(two, &one));

  auto removed = Pods()->validate_fn(old, &one);
  ASSERT_EQ(removed.size(), 1u) << Causes(removed);
  EXPECT_NE(removed[0].message.find("may not be removed"), std::string::npos) << removed[0].message;

  json::object changed = one;
  changed["spec"].as_object()["ephemeralContainers"].as_array()[0].as_object()["image"] = "other";
  auto causes = Pods()->validate_fn(changed, &one);
  ASSERT_EQ(causes.size(), 1u) << Causes(causes);
  EXPECT_NE(causes[0].message.find("may not be changed"), std::string::npos) << causes[0].message;
}

TEST(CorePodEphemeral, DebugContainersOnly) {
  json::object old = RunningPod();
  json::object bad = WithEphemeral(old, R"({"name":"dbg","image":"busybox",
      "ports":[{"containerPort":80}],"readinessProbe":{"exec":{"command":["true"]}},
      "targetContainerName":"nope"})");
  auto causes = Pods()->validate_fn(bad, &old);
  std::string all = Causes(causes);
  EXPECT_NE(all.find("spec.ephemeralContainers[0].ports: Forbidden"), std::string::npos) << all;
  EXPECT_NE(all.find("spec.ephemeralContainers[0].readinessProbe: Forbidden"), std::string::npos) << all;
  EXPECT_NE(all.find("FieldValueNotFound spec.ephemeralContainers[0].targetContainerName"),
            std::string::npos) << all;
  // A name already used by a container is a duplicate.
  json::object dup = WithEphemeral(old, R"({"name":"app","image":"busybox"})");
  all = Causes(Pods()->validate_fn(dup, &old));
  EXPECT_NE(all.find("FieldValueDuplicate spec.ephemeralContainers[0].name"), std::string::npos) << all;
}

}  // namespace
}  // namespace berth::api
