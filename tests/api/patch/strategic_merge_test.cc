// Strategic merge patch over a small Deployment-like schema: kubectl's own
// client-side-apply patches (kubectl-protocol.md section 5), list ordering as
// Kubernetes computes it, directives, schema fallbacks and error cases.
#include "api/patch/strategic_merge.h"

#include <gtest/gtest.h>

#include <string>

namespace berth::api::patch {
namespace {

json::value J(const std::string& text) { return json::parse(text); }

SchemaPtr DeploymentSchema() {
  static const SchemaPtr schema = [] {
    SchemaPtr meta =
        Object("ObjectMeta", "",
               {F("name", String(), ""), F("labels", StringMap(), ""),
                F("annotations", StringMap(), ""), F("finalizers", ListSet(String()), "")});
    SchemaPtr env = Object("EnvVar", "", {F("name", String(), ""), F("value", String(), "")});
    SchemaPtr port = Object(
        "ContainerPort", "",
        {F("containerPort", Int32(), ""), F("protocol", String(), ""), F("name", String(), "")});
    SchemaPtr container =
        Object("Container", "",
               {F("name", String(), ""), F("image", String(), ""),
                F("command", ListOf(String()), ""), F("env", ListMap(env, {"name"}), ""),
                F("ports", ListMap(port, {"containerPort", "protocol"}), "")});
    SchemaPtr pod_spec = Object(
        "PodSpec", "",
        {F("containers", ListMap(container, {"name"}), ""), F("nodeSelector", StringMap(), "")});
    SchemaPtr pod_template =
        Object("PodTemplateSpec", "", {F("metadata", meta, ""), F("spec", pod_spec, "")});
    SchemaPtr rolling =
        Object("RollingUpdateDeployment", "",
               {F("maxSurge", IntOrString(), ""), F("maxUnavailable", IntOrString(), "")});
    SchemaPtr strategy =
        Object("DeploymentStrategy", "", {F("type", String(), ""), F("rollingUpdate", rolling, "")},
               /*retain_keys=*/true);
    SchemaPtr spec = Object("DeploymentSpec", "",
                            {F("replicas", Int32(), ""), F("template", pod_template, ""),
                             F("strategy", strategy, ""), F("extra", Any(), "")});
    return Object("Deployment", "",
                  {F("apiVersion", String(), ""), F("kind", String(), ""), F("metadata", meta, ""),
                   F("spec", spec, "")});
  }();
  return schema;
}

json::value Apply(const std::string& target, const std::string& patch) {
  StatusOr<json::value> got =
      ApplyStrategicMergePatch(J(target), J(patch), DeploymentSchema().get());
  EXPECT_TRUE(got.ok()) << got.status().ToString();
  return got.ok() ? *got : json::value();
}

Reason FailReason(const std::string& target, const std::string& patch) {
  StatusOr<json::value> got =
      ApplyStrategicMergePatch(J(target), J(patch), DeploymentSchema().get());
  EXPECT_FALSE(got.ok()) << "unexpected success: " << (got.ok() ? ToJson(*got) : "");
  return got.status().reason();
}

// Wraps a containers list into a Deployment document.
std::string WithContainers(const std::string& containers) {
  return R"({"spec":{"template":{"spec":{"containers":)" + containers + "}}}}";
}

const json::value& Containers(const json::value& doc) {
  return doc.at("spec").at("template").at("spec").at("containers");
}

// ---- kubectl client-side apply patches (section 5) ----

TEST(StrategicMergeTest, KubectlImageChangeWithSetElementOrder) {
  json::value got = Apply(
      R"({"metadata":{"name":"web",
        "annotations":{"kubectl.kubernetes.io/last-applied-configuration":"old","other":"x"}},
          "spec":{"replicas":2,"template":{"spec":{"containers":[
            {"name":"busybox","image":"busybox:1.35","command":["sleep","3600"]}]}}}})",
      R"({"metadata":{"annotations":{"kubectl.kubernetes.io/last-applied-configuration":"new"}},
          "spec":{"template":{"spec":{"$setElementOrder/containers":[{"name":"busybox"}],
            "containers":[{"image":"busybox:1.36","name":"busybox"}]}}}})");
  EXPECT_EQ(got, J(R"({"metadata":{"name":"web","annotations":{
                   "kubectl.kubernetes.io/last-applied-configuration":"new","other":"x"}},
                   "spec":{"replicas":2,"template":{"spec":{"containers":[
                   {"name":"busybox","image":"busybox:1.36","command":["sleep","3600"]}]}}}})"));
}

TEST(StrategicMergeTest, KubectlFieldRemovalIsNullInsideKeyedElement) {
  json::value got =
      Apply(WithContainers(R"([{"name":"busybox","image":"busybox","command":["sleep","1"]},
                         {"name":"other","image":"nginx","command":["x"]}])"),
            R"({"spec":{"template":{"spec":{"containers":[{"command":null,"name":"busybox"}]}}}})");
  EXPECT_EQ(Containers(got), J(R"([{"name":"busybox","image":"busybox"},
                                   {"name":"other","image":"nginx","command":["x"]}])"));
}

TEST(StrategicMergeTest, KubectlEnvDeleteContainerDeleteAndStrategySwitch) {
  json::value got = Apply(
      R"({"spec":{"strategy":{"type":"RollingUpdate","rollingUpdate":{"maxSurge":"25%",
        "maxUnavailable":"25%"}},
          "template":{"spec":{"containers":[
            {"name":"busybox","image":"busybox","env":[{"name":"A","value":"1"},{"name":"B",
              "value":"2"}]},
            {"name":"sidecar","image":"nginx"}]}}}})",
      R"({"spec":{"strategy":{"$retainKeys":["type"],"type":"Recreate"},
          "template":{"spec":{"$setElementOrder/containers":[{"name":"busybox"}],
            "containers":[{"$setElementOrder/env":[{"name":"B"}],"env":[{"$patch":"delete",
              "name":"A"}],"name":"busybox"},
                          {"$patch":"delete","name":"sidecar"}]}}}})");
  EXPECT_EQ(got, J(R"({"spec":{"strategy":{"type":"Recreate"},
                   "template":{"spec":{"containers":[
                   {"name":"busybox","image":"busybox","env":[{"name":"B","value":"2"}]}]}}}})"));
}

TEST(StrategicMergeTest, RetainKeysKeepsListedKeysPresentInTarget) {
  json::value got =
      Apply(R"({"spec":{"strategy":{"type":"Recreate"}}})",
            R"({"spec":{"strategy":{"$retainKeys":["type","rollingUpdate"],"type":"RollingUpdate",
          "rollingUpdate":{"maxSurge":1}}}})");
  EXPECT_EQ(got,
            J(R"({"spec":{"strategy":{"type":"RollingUpdate","rollingUpdate":{"maxSurge":1}}}})"));
}

// ---- keyed lists and ordering ----

TEST(StrategicMergeTest, NewElementWithoutOrderGoesBeforeServerOnlyItems) {
  // Kubernetes puts patch items first unless the server-only item preceded a
  // patch item that the server also had.
  json::value got = Apply(WithContainers(R"([{"name":"a"},{"name":"b"}])"),
                          WithContainers(R"([{"name":"c","image":"i"}])"));
  EXPECT_EQ(Containers(got), J(R"([{"name":"c","image":"i"},{"name":"a"},{"name":"b"}])"));
}

TEST(StrategicMergeTest, ModifiedAndNewElementsKeepServerPositions) {
  json::value got = Apply(WithContainers(R"([{"name":"a"},{"name":"b"}])"),
                          WithContainers(R"([{"name":"b","image":"x"},{"name":"c"}])"));
  EXPECT_EQ(Containers(got), J(R"([{"name":"a"},{"name":"b","image":"x"},{"name":"c"}])"));
}

TEST(StrategicMergeTest, SetElementOrderPlacesNewElementAndKeepsServerOnlyItem) {
  json::value got = Apply(
      WithContainers(R"([{"name":"a"},{"name":"b"},{"name":"x"}])"),
      R"({"spec":{"template":{"spec":{"$setElementOrder/containers":[{"name":"a"},{"name":"n"},
        {"name":"b"}],
          "containers":[{"name":"n","image":"new"}]}}}})");
  EXPECT_EQ(Containers(got),
            J(R"([{"name":"a"},{"name":"n","image":"new"},{"name":"b"},{"name":"x"}])"));
}

TEST(StrategicMergeTest, SetElementOrderAloneReordersTargetList) {
  json::value got = Apply(
      WithContainers(R"([{"name":"a","image":"1"},{"name":"b","image":"2"}])"),
      R"({"spec":{"template":{"spec":{"$setElementOrder/containers":[{"name":"b"},
        {"name":"a"}]}}}})");
  EXPECT_EQ(Containers(got), J(R"([{"name":"b","image":"2"},{"name":"a","image":"1"}])"));
}

TEST(StrategicMergeTest, MergeKeyComparesAsJsonNumber) {
  json::value got = Apply(
      WithContainers(
          R"([{"name":"c","ports":[{"containerPort":80,"name":"http"},{"containerPort":443}]}])"),
      WithContainers(R"([{"name":"c","ports":[{"containerPort":80.0,"protocol":"TCP"}]}])"));
  const json::array& ports = Containers(got).at(0).at("ports").as_array();
  ASSERT_EQ(ports.size(), 2u);
  EXPECT_EQ(ports[0].at("name"), json::value("http"));
  EXPECT_EQ(ports[0].at("protocol"), json::value("TCP"));
  EXPECT_EQ(ports[1].at("containerPort"), json::value(443));
}

TEST(StrategicMergeTest, PatchReplaceElementReplacesWholeList) {
  json::value got = Apply(WithContainers(R"([{"name":"a","image":"1"},{"name":"b"}])"),
                          WithContainers(R"([{"$patch":"replace"},{"name":"c","image":"3"}])"));
  EXPECT_EQ(Containers(got), J(R"([{"name":"c","image":"3"}])"));
}

TEST(StrategicMergeTest, DeleteElementOfMissingKeyIsNoop) {
  json::value got = Apply(WithContainers(R"([{"name":"a"}])"),
                          WithContainers(R"([{"$patch":"delete","name":"zzz"}])"));
  EXPECT_EQ(Containers(got), J(R"([{"name":"a"}])"));
}

TEST(StrategicMergeTest, EmptyPatchListLeavesMergingListAndNullDeletesIt) {
  json::value got = Apply(WithContainers(R"([{"name":"a"}])"), WithContainers("[]"));
  EXPECT_EQ(Containers(got), J(R"([{"name":"a"}])"));
  got = Apply(WithContainers(R"([{"name":"a"}])"),
              R"({"spec":{"template":{"spec":{"containers":null}}}})");
  EXPECT_EQ(got, J(R"({"spec":{"template":{"spec":{}}}})"));
}

TEST(StrategicMergeTest, AtomicListIsReplaced) {
  json::value got = Apply(WithContainers(R"([{"name":"a","command":["sh","-c","x"]}])"),
                          WithContainers(R"([{"name":"a","command":["echo"]}])"));
  EXPECT_EQ(Containers(got), J(R"([{"name":"a","command":["echo"]}])"));
}

TEST(StrategicMergeTest, NoDirectiveLeaksFromNewElementsAndNewLists) {
  json::value got = Apply(
      WithContainers(R"([{"name":"a"}])"),
      R"({"spec":{"template":{"spec":{"$setElementOrder/containers":[{"name":"a"},{"name":"n"}],
          "containers":[{"name":"n","image":null,"$setElementOrder/env":[{"name":"X"}],
            "env":[{"name":"X","value":"1"},{"$patch":"delete","name":"Y"}]}]}}}})");
  EXPECT_EQ(Containers(got), J(R"([{"name":"a"},{"name":"n","env":[{"name":"X","value":"1"}]}])"));
  EXPECT_EQ(ToJson(got).find('$'), std::string::npos) << ToJson(got);
}

// ---- set lists ----

TEST(StrategicMergeTest, SetListUnionWithDeleteFromPrimitiveList) {
  json::value got =
      Apply(R"({"metadata":{"finalizers":["a","b"]}})",
            R"({"metadata":{"finalizers":["b","c"],"$deleteFromPrimitiveList/finalizers":["a"]}})");
  EXPECT_EQ(got, J(R"({"metadata":{"finalizers":["b","c"]}})"));
}

TEST(StrategicMergeTest, SetListDeduplicatesAndKeepsOrder) {
  json::value got =
      Apply(R"({"metadata":{"finalizers":["a","b"]}})", R"({"metadata":{"finalizers":["a"]}})");
  EXPECT_EQ(got, J(R"({"metadata":{"finalizers":["a","b"]}})"));
}

// ---- maps ----

TEST(StrategicMergeTest, MapsMergeAndNullDeletes) {
  json::value got =
      Apply(R"({"metadata":{"labels":{"app":"web","old":"x"}},"spec":{"replicas":1}})",
            R"({"metadata":{"labels":{"old":null,"new":"y"}},"spec":{"replicas":3}})");
  EXPECT_EQ(got, J(R"({"metadata":{"labels":{"app":"web","new":"y"}},"spec":{"replicas":3}})"));
}

TEST(StrategicMergeTest, PatchReplaceOnMapReplacesIt) {
  json::value got =
      Apply(R"({"spec":{"template":{"spec":{"nodeSelector":{"disk":"ssd","zone":"a"}}}}})",
            R"({"spec":{"template":{"spec":{"nodeSelector":{"$patch":"replace","zone":"b"}}}}})");
  EXPECT_EQ(got, J(R"({"spec":{"template":{"spec":{"nodeSelector":{"zone":"b"}}}}})"));
}

TEST(StrategicMergeTest, PatchDeleteOnMapRemovesIt) {
  json::value got =
      Apply(R"({"spec":{"strategy":{"type":"RollingUpdate","rollingUpdate":{"maxSurge":1}}}})",
            R"({"spec":{"strategy":{"rollingUpdate":{"$patch":"delete"}}}})");
  EXPECT_EQ(got, J(R"({"spec":{"strategy":{"type":"RollingUpdate"}}})"));
  got = Apply(R"({"kind":"Deployment"})", R"({"$patch":"delete"})");
  EXPECT_EQ(got, J("{}"));
}

TEST(StrategicMergeTest, ValueOfDifferentTypeIsReplaced) {
  json::value got = Apply(R"({"spec":{"extra":"text"}})", R"({"spec":{"extra":{"k":1}}})");
  EXPECT_EQ(got, J(R"({"spec":{"extra":{"k":1}}})"));
}

// ---- schema fallbacks ----

TEST(StrategicMergeTest, AnyFieldUsesMergePatchSemantics) {
  json::value got = Apply(R"({"spec":{"extra":{"l":[1,2],"o":{"a":1,"b":2},"$ref":"old"}}})",
                          R"({"spec":{"extra":{"l":[3],"o":{"b":null,"c":3},"$ref":"#/x"}}})");
  EXPECT_EQ(got, J(R"({"spec":{"extra":{"l":[3],"o":{"a":1,"c":3},"$ref":"#/x"}}})"));
}

TEST(StrategicMergeTest, NullSchemaFallsBackToMergePatch) {
  StatusOr<json::value> got =
      ApplyStrategicMergePatch(J(R"({"l":[{"name":"a"}],"m":{"x":1,"y":2}})"),
                               J(R"({"l":[{"name":"b"}],"m":{"x":null,"z":3}})"), nullptr);
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  EXPECT_EQ(*got, J(R"({"l":[{"name":"b"}],"m":{"y":2,"z":3}})"));
}

TEST(StrategicMergeTest, UnknownFieldIsMergedLikeMergePatch) {
  json::value got = Apply(R"({"status":{"a":[1],"b":1}})", R"({"status":{"a":[2]}})");
  EXPECT_EQ(got, J(R"({"status":{"a":[2],"b":1}})"));
}

// ---- errors ----

TEST(StrategicMergeTest, NonObjectPatchIsBadRequest) {
  EXPECT_EQ(FailReason("{}", "[1]"), Reason::kBadRequest);
}

TEST(StrategicMergeTest, RetainKeysViolationsAreBadRequest) {
  EXPECT_EQ(FailReason(R"({})", R"({"spec":{"strategy":{"$retainKeys":["type"],"type":"Recreate",
                                    "rollingUpdate":{"maxSurge":1}}}})"),
            Reason::kBadRequest);
  EXPECT_EQ(FailReason(R"({})", R"({"spec":{"strategy":{"$retainKeys":"type"}}})"),
            Reason::kBadRequest);
}

TEST(StrategicMergeTest, MissingMergeKeyIsBadRequest) {
  EXPECT_EQ(FailReason(WithContainers(R"([{"name":"a"}])"), WithContainers(R"([{"image":"x"}])")),
            Reason::kBadRequest);
  EXPECT_EQ(FailReason(WithContainers(R"([{"name":"a"}])"),
                       WithContainers(R"([{"$patch":"delete","image":"x"}])")),
            Reason::kBadRequest);
  EXPECT_EQ(FailReason(WithContainers(R"([{"name":"a"}])"), WithContainers(R"(["a"])")),
            Reason::kBadRequest);
}

TEST(StrategicMergeTest, MalformedDirectivesAreBadRequest) {
  EXPECT_EQ(FailReason(R"({})", R"({"metadata":{"$patch":"merge"}})"), Reason::kBadRequest);
  EXPECT_EQ(FailReason(WithContainers(R"([{"name":"a"}])"),
                       WithContainers(R"([{"$patch":"bogus","name":"a"}])")),
            Reason::kBadRequest);
  EXPECT_EQ(
      FailReason(R"({})", R"({"spec":{"template":{"spec":{"$setElementOrder/containers":{}}}}})"),
      Reason::kBadRequest);
  EXPECT_EQ(FailReason(R"({})", R"({"metadata":{"$deleteFromPrimitiveList/finalizers":"a"}})"),
            Reason::kBadRequest);
}

TEST(StrategicMergeTest, TargetIsNotModified) {
  json::value target = J(WithContainers(R"([{"name":"a","image":"1"}])"));
  StatusOr<json::value> got = ApplyStrategicMergePatch(
      target, J(WithContainers(R"([{"name":"a","image":"2"}])")), DeploymentSchema().get());
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(Containers(target).at(0).at("image"), json::value("1"));
  EXPECT_EQ(Containers(*got).at(0).at("image"), json::value("2"));
}

}  // namespace
}  // namespace berth::api::patch
