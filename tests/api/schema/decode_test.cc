#include "api/schema/decode.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace berth::api {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

// A small Deployment-shaped schema built here so the test does not depend on kinds/.
SchemaPtr TestDeployment() {
  auto container = Object("io.k8s.api.core.v1.Container", "A container.",
                          {
                              Req("name", String(), "Name."),
                              F("image", String(), "Image."),
                              F("ports", ListOf(Object("io.k8s.api.core.v1.ContainerPort", "",
                                                       {F("containerPort", Int32(), "")})),
                                ""),
                              F("resources",
                                Object("io.k8s.api.core.v1.ResourceRequirements", "",
                                       {F("limits", MapOf(Quantity()), "")}),
                                ""),
                          });
  auto pod_spec = Object("io.k8s.api.core.v1.PodSpec", "",
                         {F("containers", ListMap(container, {"name"}), ""),
                          F("nodeSelector", StringMap(), "")});
  auto tmpl = Object("io.k8s.api.core.v1.PodTemplateSpec", "",
                     {F("metadata", Any(), ""), F("spec", pod_spec, "")});
  auto rolling = Object("io.k8s.api.apps.v1.RollingUpdateDeployment", "",
                        {F("maxSurge", IntOrString(), ""), F("maxUnavailable", IntOrString(), "")});
  auto strategy = Object("io.k8s.api.apps.v1.DeploymentStrategy", "",
                         {F("type", Enum({"Recreate", "RollingUpdate"}), ""),
                          F("rollingUpdate", rolling, "")},
                         true);
  auto spec = Object("io.k8s.api.apps.v1.DeploymentSpec", "",
                     {F("replicas", Int32(), ""), F("paused", Bool(), ""),
                      F("template", tmpl, ""), F("strategy", strategy, ""),
                      F("progressDeadlineSeconds", Int64(), ""),
                      F("ratio", Number(), ""), F("created", Time(), ""),
                      F("blob", Bytes(), ""), F("anything", Any(), "")});
  auto meta = Object("io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta", "",
                     {F("name", String(), ""), F("labels", StringMap(), "")});
  return Object("io.k8s.api.apps.v1.Deployment", "",
                {F("apiVersion", String(), ""), F("kind", String(), ""),
                 F("metadata", meta, ""), F("spec", spec, "")});
}

json::value Parse(const char* text) { return json::parse(text); }

TEST(CheckAgainstSchema, ValidObjectHasNoIssues) {
  auto d = TestDeployment();
  auto issues = CheckAgainstSchema(*d, Parse(R"({
    "apiVersion": "apps/v1", "kind": "Deployment",
    "metadata": {"name": "web", "labels": {"app": "web"}},
    "spec": {"replicas": 3, "paused": false, "progressDeadlineSeconds": 600, "ratio": 0.5,
             "created": "2024-01-01T00:00:00Z", "blob": "aGk=",
             "anything": {"free": [1, "two", {"x": null}]},
             "strategy": {"type": "RollingUpdate",
                          "rollingUpdate": {"maxSurge": "25%", "maxUnavailable": 1}},
             "template": {"metadata": {"whatever": true},
                          "spec": {"nodeSelector": {"disk": "ssd"},
                                   "containers": [{"name": "c", "image": "nginx",
                                                   "ports": [{"containerPort": 80}],
                                                   "resources": {"limits": {"cpu": "500m",
                                                                            "memory": 1024}}}]}}}
  })"));
  EXPECT_TRUE(issues.ok());
  EXPECT_THAT(issues.unknown_fields, IsEmpty());
  EXPECT_THAT(issues.type_errors, IsEmpty());
}

TEST(CheckAgainstSchema, NullIsAcceptedAnywhere) {
  auto d = TestDeployment();
  auto issues = CheckAgainstSchema(*d, Parse(R"({
    "metadata": {"name": null, "labels": null},
    "spec": {"replicas": null, "template": null, "strategy": {"rollingUpdate": null}}
  })"));
  EXPECT_TRUE(issues.ok());
}

TEST(CheckAgainstSchema, ReportsUnknownFieldsWithPaths) {
  auto d = TestDeployment();
  auto issues = CheckAgainstSchema(*d, Parse(R"({
    "bogusTop": 1,
    "spec": {"bogusField": 1,
             "template": {"spec": {"containers": [{"name": "a"}, {"name": "b", "badField": "x",
                 "ports": [{"containerPort": 1, "hostPortx": 2}]}]}}}
  })"));
  EXPECT_THAT(issues.unknown_fields,
              ElementsAre("bogusTop", "spec.bogusField",
                          "spec.template.spec.containers[1].badField",
                          "spec.template.spec.containers[1].ports[0].hostPortx"));
  EXPECT_THAT(issues.type_errors, IsEmpty());
  EXPECT_FALSE(issues.ok());
}

TEST(CheckAgainstSchema, FieldNamesAreCaseSensitive) {
  auto d = TestDeployment();
  auto issues = CheckAgainstSchema(*d, Parse(R"({"spec": {"Replicas": 1}})"));
  EXPECT_THAT(issues.unknown_fields, ElementsAre("spec.Replicas"));
}

TEST(CheckAgainstSchema, AnyAcceptsUnknownFieldsBelowIt) {
  auto d = TestDeployment();
  auto issues = CheckAgainstSchema(
      *d, Parse(R"({"spec": {"template": {"metadata": {"not": {"in": "schema"}}}}})"));
  EXPECT_TRUE(issues.ok());
}

TEST(CheckAgainstSchema, TypeErrorsUseGoWording) {
  auto d = TestDeployment();
  auto issues = CheckAgainstSchema(*d, Parse(R"({"spec": {"replicas": "three"}})"));
  EXPECT_THAT(issues.type_errors,
              ElementsAre("json: cannot unmarshal string into Go struct field "
                          "DeploymentSpec.spec.replicas of type int32"));
  EXPECT_THAT(issues.unknown_fields, IsEmpty());
}

TEST(CheckAgainstSchema, TypeErrorsInsideListsAndMaps) {
  auto d = TestDeployment();
  auto issues = CheckAgainstSchema(*d, Parse(R"({
    "metadata": {"labels": {"app": 5}},
    "spec": {"template": {"spec": {"containers": [{"name": 7}]}},
             "paused": "yes", "strategy": [], "ratio": "x"}
  })"));
  EXPECT_THAT(
      issues.type_errors,
      ElementsAre(
          "json: cannot unmarshal number into Go struct field ObjectMeta.metadata.labels of "
          "type string",
          "json: cannot unmarshal number into Go struct field "
          "Container.spec.template.spec.containers.name of type string",
          "json: cannot unmarshal string into Go struct field DeploymentSpec.spec.paused of type "
          "bool",
          "json: cannot unmarshal array into Go struct field DeploymentSpec.spec.strategy of type "
          "v1.DeploymentStrategy",
          "json: cannot unmarshal string into Go struct field DeploymentSpec.spec.ratio of type "
          "float64"));
}

TEST(CheckAgainstSchema, ListAndMapShapeErrors) {
  auto d = TestDeployment();
  auto issues = CheckAgainstSchema(
      *d, Parse(R"({"metadata": {"labels": ["a"]}, "spec": {"template": {"spec":
                   {"containers": {"name": "x"}}}}})"));
  EXPECT_THAT(issues.type_errors,
              ElementsAre("json: cannot unmarshal array into Go struct field "
                          "ObjectMeta.metadata.labels of type map[string]string",
                          "json: cannot unmarshal object into Go struct field "
                          "PodSpec.spec.template.spec.containers of type []v1.Container"));
}

TEST(CheckAgainstSchema, IntegerRangeAndFractions) {
  auto d = TestDeployment();
  EXPECT_THAT(CheckAgainstSchema(*d, Parse(R"({"spec": {"replicas": 1.5}})")).type_errors,
              ElementsAre("json: cannot unmarshal number 1.5 into Go struct field "
                          "DeploymentSpec.spec.replicas of type int32"));
  EXPECT_THAT(CheckAgainstSchema(*d, Parse(R"({"spec": {"replicas": 3000000000}})")).type_errors,
              ElementsAre("json: cannot unmarshal number 3000000000 into Go struct field "
                          "DeploymentSpec.spec.replicas of type int32"));
  // int64 takes it; integral doubles (from YAML) are fine.
  EXPECT_TRUE(
      CheckAgainstSchema(*d, Parse(R"({"spec": {"progressDeadlineSeconds": 3000000000}})")).ok());
  EXPECT_TRUE(CheckAgainstSchema(*d, Parse(R"({"spec": {"replicas": 2.0}})")).ok());
}

TEST(CheckAgainstSchema, IntOrStringAndQuantity) {
  auto d = TestDeployment();
  auto ok = CheckAgainstSchema(*d, Parse(R"({"spec": {"strategy": {"rollingUpdate":
      {"maxSurge": 2, "maxUnavailable": "10%"}}, "template": {"spec": {"containers":
      [{"name": "a", "resources": {"limits": {"cpu": 0.5, "memory": "1Gi"}}}]}}}})"));
  EXPECT_TRUE(ok.ok());
  auto bad = CheckAgainstSchema(*d, Parse(R"({"spec": {"strategy": {"rollingUpdate":
      {"maxSurge": true}}, "template": {"spec": {"containers":
      [{"name": "a", "resources": {"limits": {"cpu": {}}}}]}}}})"));
  EXPECT_THAT(bad.type_errors,
              ElementsAre("json: cannot unmarshal bool into Go struct field "
                          "RollingUpdateDeployment.spec.strategy.rollingUpdate.maxSurge of type "
                          "intstr.IntOrString",
                          "json: cannot unmarshal object into Go struct field "
                          "ResourceRequirements.spec.template.spec.containers.resources.limits "
                          "of type resource.Quantity"));
}

TEST(CheckAgainstSchema, RootMustBeAnObject) {
  auto d = TestDeployment();
  EXPECT_THAT(CheckAgainstSchema(*d, Parse("[1]")).type_errors,
              ElementsAre("json: cannot unmarshal array into Go value of type v1.Deployment"));
  EXPECT_THAT(CheckAgainstSchema(*d, Parse(R"({"spec": 4})")).type_errors,
              ElementsAre("json: cannot unmarshal number into Go struct field Deployment.spec of "
                          "type v1.DeploymentSpec"));
}

TEST(CheckAgainstSchema, ReportsBothKindsTogether) {
  auto d = TestDeployment();
  auto issues = CheckAgainstSchema(*d, Parse(R"({"spec": {"replicas": "x", "nope": 1}})"));
  EXPECT_THAT(issues.unknown_fields, ElementsAre("spec.nope"));
  EXPECT_EQ(issues.type_errors.size(), 1u);
}

TEST(GoTypeName, NamesLikeEncodingJson) {
  EXPECT_EQ(GoTypeName(*Int64()), "int64");
  EXPECT_EQ(GoTypeName(*ListOf(String())), "[]string");
  EXPECT_EQ(GoTypeName(*MapOf(Quantity())), "map[string]resource.Quantity");
  EXPECT_EQ(GoTypeName(*Object("io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta", "", {})),
            "v1.ObjectMeta");
}

TEST(StrictDecodingError, FormatsLikeKubeApiserver) {
  EXPECT_EQ(StrictDecodingError({"spec.bogusField"}, {"metadata.name"}),
            "strict decoding error: unknown field \"spec.bogusField\", duplicate field "
            "\"metadata.name\"");
  EXPECT_EQ(StrictDecodingError({"a", "b.c"}, {}),
            "strict decoding error: unknown field \"a\", unknown field \"b.c\"");
  EXPECT_EQ(StrictDecodingError({}, {"x"}), "strict decoding error: duplicate field \"x\"");
  EXPECT_EQ(StrictDecodingError({}, {}), "");
}

}  // namespace
}  // namespace berth::api
