// Server-side apply over a Deployment-like schema: creation, re-apply,
// conflicts between appliers and with Update managers, force, shared
// ownership, removal of dropped fields, list-map items per manager, ignored
// fields and the managedFields JSON shape.
#include "api/apply/apply.h"

#include <gtest/gtest.h>

#include <string>

#include "api/apply/conflict.h"
#include "api/patch/json_equal.h"
#include "test_schema.h"

namespace berth::api::apply {
namespace {

using testing::DeploymentSchema;
using testing::J;

constexpr const char* kT0 = "2024-05-01T10:00:00Z";
constexpr const char* kT1 = "2024-05-01T11:00:00Z";

const char* kBaseConfig = R"({
  "apiVersion":"apps/v1","kind":"Deployment",
  "metadata":{"name":"web","labels":{"app":"web"}},
  "spec":{"replicas":3,"selector":{"matchLabels":{"app":"web"}},
    "template":{"metadata":{"labels":{"app":"web"}},
      "spec":{"containers":[{"name":"web","image":"nginx:1","ports":[{"containerPort":80}]}]}}}})";

ApplyOptions Opts(const std::string& manager, bool force = false, const char* now = kT0) {
  ApplyOptions o;
  o.manager = manager;
  o.force = force;
  o.api_version = "apps/v1";
  o.now_rfc3339 = now;
  return o;
}

json::value MustApply(const json::value* live, const std::string& config,
                      const std::string& manager, bool force = false, const char* now = kT0) {
  StatusOr<json::value> got =
      ServerSideApply(live, J(config), *DeploymentSchema(), Opts(manager, force, now));
  EXPECT_TRUE(got.ok()) << got.status().ToString();
  return got.ok() ? *got : json::value();
}

Status ApplyError(const json::value* live, const std::string& config, const std::string& manager) {
  StatusOr<json::value> got = ServerSideApply(live, J(config), *DeploymentSchema(), Opts(manager));
  EXPECT_FALSE(got.ok()) << "unexpected success: " << (got.ok() ? ToJson(*got) : "");
  return got.status();
}

// The managedFields entry of (manager, operation), or nullptr.
const json::object* Entry(const json::value& obj, const std::string& manager,
                          const std::string& operation = "Apply") {
  const json::value* entries = GetPath(obj, {"metadata", "managedFields"});
  if (entries == nullptr || !entries->is_array()) return nullptr;
  for (const json::value& e : entries->get_array()) {
    if (GetString(e, {"manager"}) == manager && GetString(e, {"operation"}) == operation) {
      return &e.get_object();
    }
  }
  return nullptr;
}

json::value Fields(const json::value& obj, const std::string& manager,
                   const std::string& operation = "Apply") {
  const json::object* e = Entry(obj, manager, operation);
  return e == nullptr ? json::value() : e->at("fieldsV1");
}

size_t EntryCount(const json::value& obj) {
  const json::value* entries = GetPath(obj, {"metadata", "managedFields"});
  return entries == nullptr ? 0 : entries->get_array().size();
}

json::value WithoutManagedFields(json::value v) {
  if (json::object* meta = GetObject(v, {"metadata"})) meta->erase("managedFields");
  return v;
}

int64_t Replicas(const json::value& obj) { return GetInt(obj, {"spec", "replicas"}, -1); }

const json::array& Containers(const json::value& obj) {
  return GetPath(obj, {"spec", "template", "spec", "containers"})->get_array();
}

std::string Config(const std::string& spec) {
  return R"({"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web"},"spec":)" + spec +
         "}";
}

// ---- create and re-apply ----

TEST(ServerSideApplyTest, CreateRecordsApplyEntryInFieldsV1Shape) {
  json::value obj = MustApply(nullptr, kBaseConfig, "kubectl");
  ASSERT_EQ(EntryCount(obj), 1u);
  const json::object* e = Entry(obj, "kubectl");
  ASSERT_NE(e, nullptr);
  EXPECT_EQ(e->at("operation"), "Apply");
  EXPECT_EQ(e->at("apiVersion"), "apps/v1");
  EXPECT_EQ(e->at("time"), kT0);
  EXPECT_EQ(e->at("fieldsType"), "FieldsV1");
  EXPECT_FALSE(e->contains("subresource"));
  EXPECT_EQ(e->at("fieldsV1"), J(R"({
    "f:metadata":{"f:labels":{"f:app":{}}},
    "f:spec":{"f:replicas":{},"f:selector":{},
      "f:template":{"f:metadata":{"f:labels":{"f:app":{}}},
        "f:spec":{"f:containers":{"k:{\"name\":\"web\"}":{".":{},"f:image":{},"f:name":{},
          "f:ports":{"k:{\"containerPort\":80,\"protocol\":\"TCP\"}":{".":{},
                                                                   "f:containerPort":{}}}}}}}}})"));
}

TEST(ServerSideApplyTest, CreateProducesTheConfiguredObject) {
  json::value obj = MustApply(nullptr, kBaseConfig, "kubectl");
  EXPECT_TRUE(patch::JsonEqual(WithoutManagedFields(obj), J(kBaseConfig))) << ToJson(obj);
}

TEST(ServerSideApplyTest, ReapplyingSameConfigChangesNothing) {
  json::value first = MustApply(nullptr, kBaseConfig, "kubectl");
  json::value second = MustApply(&first, kBaseConfig, "kubectl", false, kT1);
  EXPECT_TRUE(patch::JsonEqual(first, second)) << ToJson(second);
  EXPECT_EQ(Entry(second, "kubectl")->at("time"), kT0);  // a no-op keeps the timestamp
}

TEST(ServerSideApplyTest, ChangingOwnFieldUpdatesValueAndTime) {
  json::value first = MustApply(nullptr, kBaseConfig, "kubectl");
  std::string config = kBaseConfig;
  config.replace(config.find("\"replicas\":3"), 12, "\"replicas\":4");
  json::value second = MustApply(&first, config, "kubectl", false, kT1);
  EXPECT_EQ(Replicas(second), 4);
  EXPECT_EQ(Entry(second, "kubectl")->at("time"), kT1);
  EXPECT_EQ(EntryCount(second), 1u);
}

// ---- conflicts between appliers ----

TEST(ServerSideApplyTest, DifferentValueFromAnotherApplierConflicts) {
  json::value live = MustApply(nullptr, kBaseConfig, "kubectl");
  Status st = ApplyError(&live, Config(R"({"replicas":5})"), "helm");
  EXPECT_EQ(st.reason(), Reason::kConflict);
  EXPECT_EQ(st.code(), 409);
  ASSERT_EQ(st.details().causes.size(), 1u);
  EXPECT_EQ(st.details().causes[0].type, "FieldManagerConflict");
  EXPECT_EQ(st.details().causes[0].field, ".spec.replicas");
  EXPECT_EQ(st.details().causes[0].message, "conflict with \"kubectl\"");
  EXPECT_EQ(st.message(),
            "Apply failed with 1 conflict: conflict with \"kubectl\": .spec.replicas");
}

TEST(ServerSideApplyTest, ForceMovesOwnership) {
  json::value live = MustApply(nullptr, kBaseConfig, "kubectl");
  json::value obj = MustApply(&live, Config(R"({"replicas":5})"), "helm", /*force=*/true);
  EXPECT_EQ(Replicas(obj), 5);
  EXPECT_EQ(Fields(obj, "helm"), J(R"({"f:spec":{"f:replicas":{}}})"));
  EXPECT_EQ(GetPath(Fields(obj, "kubectl"), {"f:spec", "f:replicas"}), nullptr);
  EXPECT_NE(GetPath(Fields(obj, "kubectl"), {"f:spec", "f:selector"}), nullptr);
  // The former owner now conflicts in its turn.
  Status st = ApplyError(&obj, kBaseConfig, "kubectl");
  ASSERT_EQ(st.details().causes.size(), 1u);
  EXPECT_EQ(st.details().causes[0].message, "conflict with \"helm\"");
}

TEST(ServerSideApplyTest, SameValueIsSharedWithoutConflict) {
  json::value live = MustApply(nullptr, kBaseConfig, "kubectl");
  json::value obj = MustApply(&live, Config(R"({"replicas":3})"), "helm");
  EXPECT_EQ(Replicas(obj), 3);
  EXPECT_NE(GetPath(Fields(obj, "helm"), {"f:spec", "f:replicas"}), nullptr);
  EXPECT_NE(GetPath(Fields(obj, "kubectl"), {"f:spec", "f:replicas"}), nullptr);
  // A shared field cannot be changed by either owner without conflict.
  Status st = ApplyError(&obj, Config(R"({"replicas":9})"), "helm");
  ASSERT_EQ(st.details().causes.size(), 1u);
  EXPECT_EQ(st.details().causes[0].field, ".spec.replicas");
}

TEST(ServerSideApplyTest, SharedFieldSurvivesWhenOneOwnerDropsIt) {
  json::value live = MustApply(nullptr, kBaseConfig, "kubectl");
  json::value shared = MustApply(&live, Config(R"({"replicas":3})"), "helm");
  // helm drops replicas (keeps something else so its entry stays).
  json::value obj =
      MustApply(&shared, Config(R"({"template":{"spec":{"nodeSelector":{"d":"x"}}}})"), "helm");
  EXPECT_EQ(Replicas(obj), 3);
  EXPECT_EQ(GetPath(Fields(obj, "helm"), {"f:spec", "f:replicas"}), nullptr);
  EXPECT_NE(GetPath(Fields(obj, "kubectl"), {"f:spec", "f:replicas"}), nullptr);
}

TEST(ServerSideApplyTest, SeveralConflictsAreListedPerManager) {
  json::value live = MustApply(nullptr, kBaseConfig, "kubectl");
  Status st = ApplyError(
      &live,
      Config(R"({"replicas":1,"template":{"spec":{"containers":[{"name":"web","image":"x"}]}}})"),
      "helm");
  ASSERT_EQ(st.details().causes.size(), 2u);
  EXPECT_EQ(st.details().causes[0].field, ".spec.replicas");
  EXPECT_EQ(st.details().causes[1].field, ".spec.template.spec.containers[name=\"web\"].image");
  EXPECT_EQ(st.message(),
            "Apply failed with 2 conflicts: conflicts with \"kubectl\":\n- .spec.replicas\n"
            "- .spec.template.spec.containers[name=\"web\"].image");
}

// ---- removal of fields dropped from the configuration ----

TEST(ServerSideApplyTest, FieldDroppedFromConfigIsDeleted) {
  json::value live = MustApply(nullptr, kBaseConfig, "kubectl");
  std::string config = kBaseConfig;
  config.replace(config.find("\"replicas\":3,"), 13, "");
  config.replace(config.find(R"("labels":{"app":"web"})"), 22, R"("labels":{"tier":"fe"})");
  json::value obj = MustApply(&live, config, "kubectl");
  EXPECT_EQ(GetPath(obj, {"spec", "replicas"}), nullptr) << ToJson(obj);
  EXPECT_EQ(GetPath(obj, {"metadata", "labels", "app"}), nullptr);
  EXPECT_EQ(GetString(obj, {"metadata", "labels", "tier"}), "fe");
  EXPECT_EQ(GetPath(Fields(obj, "kubectl"), {"f:spec", "f:replicas"}), nullptr);
}

TEST(ServerSideApplyTest, DroppingFieldNeverAppliedLeavesIt) {
  // replicas set by an Update manager; the applier never owned it.
  json::value created = TrackUpdate(nullptr, J(Config(R"({"replicas":2})")), *DeploymentSchema(),
                                    Opts("kubectl-create"));
  json::value obj =
      MustApply(&created, Config(R"({"template":{"spec":{"nodeSelector":{}}}})"), "kubectl");
  EXPECT_EQ(Replicas(obj), 2);
}

// ---- interaction with Update managers ----

TEST(ServerSideApplyTest, FieldOwnedByUpdateManagerConflicts) {
  json::value live = MustApply(nullptr, kBaseConfig, "kubectl");
  json::value scaled = live;
  scaled.at("spec").at("replicas") = 5;
  scaled = TrackUpdate(&live, scaled, *DeploymentSchema(), Opts("kubectl-scale"));
  EXPECT_EQ(Fields(scaled, "kubectl-scale", "Update"), J(R"({"f:spec":{"f:replicas":{}}})"));
  EXPECT_EQ(GetPath(Fields(scaled, "kubectl"), {"f:spec", "f:replicas"}), nullptr);

  Status st = ApplyError(&scaled, kBaseConfig, "kubectl");
  ASSERT_EQ(st.details().causes.size(), 1u);
  EXPECT_EQ(st.details().causes[0].field, ".spec.replicas");
  EXPECT_EQ(st.details().causes[0].message, "conflict with \"kubectl-scale\" using apps/v1");
  EXPECT_EQ(st.message(),
            "Apply failed with 1 conflict: conflict with \"kubectl-scale\" using apps/v1: "
            ".spec.replicas");
}

TEST(ServerSideApplyTest, ForceOverUpdateManagerDropsItsEmptyEntry) {
  json::value live = MustApply(nullptr, kBaseConfig, "kubectl");
  json::value scaled = live;
  scaled.at("spec").at("replicas") = 5;
  scaled = TrackUpdate(&live, scaled, *DeploymentSchema(), Opts("kubectl-scale"));
  ASSERT_EQ(EntryCount(scaled), 2u);
  json::value obj = MustApply(&scaled, kBaseConfig, "kubectl", /*force=*/true);
  EXPECT_EQ(Replicas(obj), 3);
  EXPECT_EQ(Entry(obj, "kubectl-scale", "Update"), nullptr);
  EXPECT_EQ(EntryCount(obj), 1u);
}

TEST(ServerSideApplyTest, ApplyingUpdateManagersValueSharesIt) {
  json::value live = MustApply(nullptr, kBaseConfig, "kubectl");
  json::value scaled = live;
  scaled.at("spec").at("replicas") = 5;
  scaled = TrackUpdate(&live, scaled, *DeploymentSchema(), Opts("kubectl-scale"));
  std::string config = kBaseConfig;
  config.replace(config.find("\"replicas\":3"), 12, "\"replicas\":5");
  json::value obj = MustApply(&scaled, config, "kubectl");
  EXPECT_NE(GetPath(Fields(obj, "kubectl"), {"f:spec", "f:replicas"}), nullptr);
  EXPECT_NE(GetPath(Fields(obj, "kubectl-scale", "Update"), {"f:spec", "f:replicas"}), nullptr);
}

// ---- list-map items per manager ----

TEST(ServerSideApplyTest, ListMapItemsFromTwoManagersAreMerged) {
  json::value live = MustApply(nullptr, kBaseConfig, "kubectl");
  json::value obj = MustApply(
      &live, Config(R"({"template":{"spec":{"containers":[{"name":"sidecar","image":"envoy"}]}}})"),
      "mesh");
  ASSERT_EQ(Containers(obj).size(), 2u);
  EXPECT_EQ(GetString(Containers(obj)[0], {"name"}), "web");
  EXPECT_EQ(GetString(Containers(obj)[1], {"name"}), "sidecar");
  EXPECT_EQ(Fields(obj, "mesh"), J(R"({"f:spec":{"f:template":{"f:spec":{"f:containers":{
      "k:{\"name\":\"sidecar\"}":{".":{},"f:image":{},"f:name":{}}}}}}})"));
}

TEST(ServerSideApplyTest, ListMapItemRemovedOnlyByItsOwner) {
  json::value live = MustApply(nullptr, kBaseConfig, "kubectl");
  json::value two = MustApply(
      &live,
      Config(
          R"({"replicas":3,"template":{"spec":{"containers":[{"name":"sidecar","image":"envoy"}]}}})"),
      "mesh");
  // mesh drops its sidecar: gone. kubectl's container stays.
  json::value one = MustApply(&two, Config(R"({"replicas":3})"), "mesh");
  ASSERT_EQ(Containers(one).size(), 1u);
  EXPECT_EQ(GetString(Containers(one)[0], {"name"}), "web");
  // kubectl drops nothing it does not own: re-applying its config keeps the list as is.
  json::value again = MustApply(&two, kBaseConfig, "kubectl");
  EXPECT_EQ(Containers(again).size(), 2u);
}

TEST(ServerSideApplyTest, ManagersOwnDifferentFieldsOfOneItem) {
  json::value live = MustApply(nullptr, kBaseConfig, "kubectl");
  json::value obj = MustApply(
      &live,
      Config(
          R"({"template":{"spec":{"containers":[{"name":"web","env":[{"name":"A","value":"1"}]}]}}})"),
      "injector");
  ASSERT_EQ(Containers(obj).size(), 1u);
  EXPECT_EQ(GetString(Containers(obj)[0], {"image"}), "nginx:1");
  EXPECT_EQ(GetString(Containers(obj)[0].at("env").at(0), {"value"}), "1");
  // kubectl re-applies without env: env belongs to injector and stays.
  json::value again = MustApply(&obj, kBaseConfig, "kubectl");
  EXPECT_EQ(Containers(again)[0].get_object().count("env"), 1u);
  // injector drops its env var: it disappears, the container stays (kubectl owns it).
  json::value dropped = MustApply(
      &again, Config(R"({"template":{"spec":{"containers":[{"name":"web"}]}}})"), "injector");
  ASSERT_EQ(Containers(dropped).size(), 1u);
  const json::value* env = GetPath(Containers(dropped)[0], {"env"});
  EXPECT_TRUE(env == nullptr || env->get_array().empty()) << ToJson(dropped);
}

TEST(ServerSideApplyTest, PortWithoutProtocolMatchesDefaultedLivePort) {
  json::value live = MustApply(nullptr, kBaseConfig, "kubectl");
  // The server defaulted the protocol after the first apply.
  live.at("spec")
      .at("template")
      .at("spec")
      .at("containers")
      .at(0)
      .at("ports")
      .at(0)
      .as_object()["protocol"] = "TCP";
  json::value obj = MustApply(&live, kBaseConfig, "kubectl");
  EXPECT_EQ(Containers(obj)[0].at("ports").get_array().size(), 1u) << ToJson(obj);
}

TEST(ServerSideApplyTest, SetItemsAreUnionedAndNamedByValue) {
  json::value a = MustApply(nullptr, R"({"metadata":{"name":"web","finalizers":["a"]}})", "one");
  json::value b = MustApply(&a, R"({"metadata":{"name":"web","finalizers":["b"]}})", "two");
  EXPECT_EQ(*GetPath(b, {"metadata", "finalizers"}), J(R"(["a","b"])"));
  EXPECT_EQ(Fields(b, "two"), J(R"({"f:metadata":{"f:finalizers":{"v:\"b\"":{}}}})"));
}

// ---- atomic values, ignored fields, validation ----

TEST(ServerSideApplyTest, AtomicObjectIsReplacedWhole) {
  json::value live = MustApply(nullptr, kBaseConfig, "kubectl");
  std::string config = kBaseConfig;
  config.replace(config.find(R"("matchLabels":{"app":"web"})"), 27, R"("matchLabels":{"k":"v"})");
  json::value obj = MustApply(&live, config, "kubectl");
  EXPECT_EQ(*GetPath(obj, {"spec", "selector"}), J(R"({"matchLabels":{"k":"v"}})"));
}

TEST(ServerSideApplyTest, ServerFieldsAndStatusAreNeverOwned) {
  json::value live = J(R"({"apiVersion":"apps/v1","kind":"Deployment",
      "metadata":{"name":"web","namespace":"default","uid":"u1","resourceVersion":"7"},
      "status":{"replicas":1}})");
  json::value obj =
      MustApply(&live, R"({"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web",
          "namespace":"default","resourceVersion":"7"},"spec":{"replicas":1},
          "status":{"replicas":1}})",
                "kubectl");
  EXPECT_EQ(Fields(obj, "kubectl"), J(R"({"f:spec":{"f:replicas":{}}})"));
  EXPECT_EQ(GetString(obj, {"metadata", "uid"}), "u1");
}

TEST(ServerSideApplyTest, ConfigWithOnlyIdentityLeavesNoEntry) {
  json::value obj = MustApply(nullptr, R"({"apiVersion":"apps/v1","kind":"Deployment",
      "metadata":{"name":"web"}})",
                              "kubectl");
  EXPECT_EQ(GetPath(obj, {"metadata", "managedFields"}), nullptr);
}

TEST(ServerSideApplyTest, ListMapItemWithoutKeyIsRejected) {
  Status st =
      ApplyError(nullptr, Config(R"({"template":{"spec":{"containers":[{"image":"x"}]}}})"), "k");
  EXPECT_EQ(st.reason(), Reason::kBadRequest);
  EXPECT_NE(st.message().find("omits key field \"name\""), std::string::npos) << st.message();
}

TEST(ServerSideApplyTest, DuplicateListMapKeysAreRejected) {
  Status st = ApplyError(
      nullptr, Config(R"({"template":{"spec":{"containers":[{"name":"a"},{"name":"a"}]}}})"), "k");
  EXPECT_EQ(st.reason(), Reason::kBadRequest);
}

TEST(ServerSideApplyTest, ManagedFieldsListAppliersBeforeUpdaters) {
  json::value created = TrackUpdate(nullptr, J(Config(R"({"replicas":2})")), *DeploymentSchema(),
                                    Opts("kubectl-create"));
  json::value obj =
      MustApply(&created, Config(R"({"template":{"spec":{"nodeSelector":{"a":"b"}}}})"), "kubectl",
                false, kT1);
  const json::array& entries = GetPath(obj, {"metadata", "managedFields"})->get_array();
  ASSERT_EQ(entries.size(), 2u);
  EXPECT_EQ(GetString(entries[0], {"operation"}), "Apply");
  EXPECT_EQ(GetString(entries[1], {"manager"}), "kubectl-create");
}

TEST(ServerSideApplyTest, ConflictNamesSubresourceAndUpdateVersion) {
  ManagerEntry scale;
  scale.manager = "kubectl-scale";
  scale.operation = "Update";
  scale.api_version = "apps/v1";
  scale.subresource = "scale";
  EXPECT_EQ(DescribeManager(scale), R"("kubectl-scale" with subresource "scale" using apps/v1)");
  scale.operation = "Apply";
  EXPECT_EQ(DescribeManager(scale), R"("kubectl-scale" with subresource "scale")");
}

TEST(ServerSideApplyTest, ApplyAfterUpdateThroughStatusDoesNotConflictOnSpec) {
  json::value live = MustApply(nullptr, kBaseConfig, "kubectl");
  json::value updated = live;
  updated.as_object()["status"] = J(R"({"replicas":3})");
  ApplyOptions o = Opts("kube-controller-manager");
  o.subresource = "status";
  updated = TrackUpdate(&live, updated, *DeploymentSchema(), o);
  std::string config = kBaseConfig;
  config.replace(config.find("\"replicas\":3"), 12, "\"replicas\":6");
  json::value obj = MustApply(&updated, config, "kubectl");
  EXPECT_EQ(Replicas(obj), 6);
  EXPECT_EQ(GetInt(obj, {"status", "replicas"}), 3);
  EXPECT_EQ(EntryCount(obj), 2u);
}

// ---- TrackUpdate ----

TEST(TrackUpdateTest, CreateOwnsEveryFieldItSet) {
  json::value obj =
      TrackUpdate(nullptr, J(kBaseConfig), *DeploymentSchema(), Opts("kubectl-create"));
  const json::object* e = Entry(obj, "kubectl-create", "Update");
  ASSERT_NE(e, nullptr);
  EXPECT_EQ(e->at("time"), kT0);
  // Fields created along with their map/list get the map/list itself (".").
  EXPECT_EQ(e->at("fieldsV1"), J(R"({
    "f:metadata":{"f:labels":{".":{},"f:app":{}}},
    "f:spec":{"f:replicas":{},"f:selector":{},
      "f:template":{"f:metadata":{"f:labels":{".":{},"f:app":{}}},
        "f:spec":{"f:containers":{".":{},"k:{\"name\":\"web\"}":{".":{},"f:image":{},"f:name":{},
          "f:ports":{".":{},"k:{\"containerPort\":80,\"protocol\":\"TCP\"}":{".":{},
                                                                   "f:containerPort":{}}}}}}}}})"));
}

TEST(TrackUpdateTest, UpdateTakesChangedFieldsFromApplier) {
  json::value live = MustApply(nullptr, kBaseConfig, "kubectl");
  json::value edited = live;
  edited.at("spec").at("template").at("spec").at("containers").at(0).at("image") = "nginx:2";
  json::value obj = TrackUpdate(&live, edited, *DeploymentSchema(), Opts("kubectl-edit"));
  EXPECT_EQ(Fields(obj, "kubectl-edit", "Update"),
            J(R"({"f:spec":{"f:template":{"f:spec":{"f:containers":{
                  "k:{\"name\":\"web\"}":{"f:image":{}}}}}}})"));
  const json::value kubectl = Fields(obj, "kubectl");
  const json::value* web =
      GetPath(kubectl, {"f:spec", "f:template", "f:spec", "f:containers", "k:{\"name\":\"web\"}"});
  ASSERT_NE(web, nullptr);
  EXPECT_EQ(web->get_object().count("f:image"), 0u);
  EXPECT_EQ(web->get_object().count("f:name"), 1u);
}

TEST(TrackUpdateTest, UnchangedWriteLeavesManagedFieldsAlone) {
  json::value live = MustApply(nullptr, kBaseConfig, "kubectl");
  json::value obj = TrackUpdate(&live, live, *DeploymentSchema(), Opts("kubectl-edit", false, kT1));
  EXPECT_EQ(obj, live);
}

TEST(TrackUpdateTest, RemovedFieldLeavesEveryOwner) {
  json::value live = MustApply(nullptr, kBaseConfig, "kubectl");
  json::value edited = live;
  edited.at("metadata").at("labels").as_object().erase("app");
  json::value obj = TrackUpdate(&live, edited, *DeploymentSchema(), Opts("kubectl-edit"));
  EXPECT_EQ(GetPath(Fields(obj, "kubectl"), {"f:metadata"}), nullptr) << ToJson(obj);
  // Nothing was added or changed, so the editor gains no entry.
  EXPECT_EQ(Entry(obj, "kubectl-edit", "Update"), nullptr);
}

TEST(TrackUpdateTest, StatusSubresourceOwnsOnlyStatus) {
  json::value live = MustApply(nullptr, kBaseConfig, "kubectl");
  json::value updated = live;
  updated.as_object()["status"] = J(R"({"replicas":3,"readyReplicas":1})");
  updated.at("metadata").at("labels").as_object()["x"] = "y";
  ApplyOptions o = Opts("kube-controller-manager");
  o.subresource = "status";
  json::value obj = TrackUpdate(&live, updated, *DeploymentSchema(), o);
  const json::object* e = Entry(obj, "kube-controller-manager", "Update");
  ASSERT_NE(e, nullptr);
  EXPECT_EQ(e->at("subresource"), "status");
  EXPECT_EQ(e->at("fieldsV1"), J(R"({"f:status":{"f:readyReplicas":{},"f:replicas":{}}})"));
}

TEST(TrackUpdateTest, MainResourceWriteDoesNotOwnStatus) {
  json::value created = TrackUpdate(
      nullptr, J(R"({"metadata":{"name":"a"},"spec":{"replicas":1},"status":{"replicas":1}})"),
      *DeploymentSchema(), Opts("kubectl-create"));
  EXPECT_EQ(Fields(created, "kubectl-create", "Update"), J(R"({"f:spec":{"f:replicas":{}}})"));
}

TEST(TrackUpdateTest, ResetRequestClearsOtherManagers) {
  json::value live = MustApply(nullptr, kBaseConfig, "kubectl");
  json::value updated = live;
  updated.at("metadata").as_object()["managedFields"] = J("[{}]");
  json::value obj = TrackUpdate(&live, updated, *DeploymentSchema(), Opts("resetter"));
  EXPECT_EQ(Entry(obj, "kubectl"), nullptr);
  EXPECT_NE(Entry(obj, "resetter", "Update"), nullptr);
}

}  // namespace
}  // namespace berth::api::apply
