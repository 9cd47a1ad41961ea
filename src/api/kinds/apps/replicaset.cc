// apps/v1 ReplicaSet: schema, defaulting, validation and Table printing.
#include "api/kinds/apps/apps_types.h"
#include "api/kinds/apps/field_errors.h"
#include "api/kinds/apps/label_selector_text.h"
#include "api/kinds/apps/object_access.h"
#include "api/kinds/apps/pod_template_owner.h"
#include "api/kinds/kinds.h"

namespace berth::api::apps {

namespace {

using namespace workload;  // NOLINT(google-build-using-namespace)

SchemaPtr ReplicaSetSchema() {
  auto condition = Object(
      "io.k8s.api.apps.v1.ReplicaSetCondition",
      "One observed aspect of a replica set's state at a point in time.",
      {
          Req("type", String(), "Condition kind, e.g. ReplicaFailure.", 1),
          Req("status", String(), "Whether the condition holds: True, False or Unknown.", 2),
          F("lastTransitionTime", Time(), "When the status last changed value.", 3),
          F("reason", String(), "A one-word CamelCase cause of the latest transition.", 4),
          F("message", String(), "A readable explanation of the latest transition.", 5),
      });
  auto spec = Object(
      "io.k8s.api.apps.v1.ReplicaSetSpec",
      "The desired state of a ReplicaSet.",
      {
          F("replicas", Int32(),
            "How many pods should exist. Left unset it defaults to 1; 0 is a valid explicit "
            "value.",
            1),
          F("minReadySeconds", Int32(),
            "Seconds a new pod must stay ready, with no container crashing, before it counts as "
            "available. Defaults to 0.",
            4),
          Req("selector", LabelSelectorSchema(),
              "Label query over the pods counted against replicas. It must match the template's "
              "labels.",
              2),
          F("template", PodTemplateSpecSchema(),
            "The pod created whenever fewer than replicas pods exist.", 3),
      });
  auto status = Object(
      "io.k8s.api.apps.v1.ReplicaSetStatus",
      "The most recently observed state of a ReplicaSet.",
      {
          Req("replicas", Int32(), "Non-terminating pods currently selected.", 1),
          F("fullyLabeledReplicas", Int32(),
            "Selected pods that carry every label of the pod template.", 2),
          F("readyReplicas", Int32(), "Selected pods whose Ready condition is true.", 4),
          F("availableReplicas", Int32(),
            "Selected pods that have been ready for at least minReadySeconds.", 5),
          F("observedGeneration", Int64(),
            "The metadata.generation the controller last acted on.", 3),
          F("conditions", ListMap(condition, {"type"}),
            "The latest observations of the replica set's state, one per condition type.", 6),
      });
  return KindSchema("io.k8s.api.apps.v1.ReplicaSet",
                    "ReplicaSet keeps a fixed number of pods matching its selector running, "
                    "creating or deleting pods from its template as needed.",
                    {
                        F("spec", spec, "What the replica set should maintain.", 2),
                        F("status", status, "What the controller last observed.", 3),
                    });
}

void DefaultReplicaSet(json::object& obj) {
  json::object& spec = EnsureObj(obj, "spec");
  SetDefault(spec, "replicas", 1);
  DefaultPodTemplate(spec);
}

std::vector<Cause> ValidateReplicaSet(const json::object& obj, const json::object* old) {
  std::vector<Cause> out;
  const json::object empty;
  const json::object* spec_ptr = ObjAt(obj, "spec");
  const json::object& spec = spec_ptr != nullptr ? *spec_ptr : empty;
  CheckNonNegative(spec, "replicas", "spec.replicas", out);
  CheckNonNegative(spec, "minReadySeconds", "spec.minReadySeconds", out);
  ValidateSelectorAndTemplate(spec, "spec", TemplateRules{}, /*require_selector=*/true, out);
  if (old != nullptr) CheckSelectorImmutable(obj, *old, out);
  return out;
}

json::array ReplicaSetRow(const json::object& obj, const HookContext& ctx) {
  const json::object* spec = ObjAt(obj, "spec");
  const json::object* status = ObjAt(obj, "status");
  auto [names, images] = ContainerCells(spec != nullptr ? ObjAt(*spec, "template") : nullptr);
  json::array row;
  row.emplace_back(ObjectName(obj));
  row.emplace_back(IntOr0(spec, "replicas"));
  row.emplace_back(IntOr0(status, "replicas"));
  row.emplace_back(IntOr0(status, "readyReplicas"));
  row.emplace_back(AgeCell(obj, ctx));
  row.emplace_back(names);
  row.emplace_back(images);
  row.emplace_back(FormatLabelSelector(spec != nullptr ? spec->if_contains("selector") : nullptr));
  return row;
}

}  // namespace

ResourceType ReplicaSetType() {
  ResourceType t;
  t.group = "apps";
  t.version = "v1";
  t.kind = "ReplicaSet";
  t.plural = "replicasets";
  t.singular = "replicaset";
  t.short_names = {"rs"};
  t.categories = {"all"};
  t.has_status = true;
  t.scale = ScaleSpec{};
  t.schema = ReplicaSetSchema();
  t.default_fn = DefaultReplicaSet;
  t.validate_fn = ValidateReplicaSet;
  t.columns = {
      NameColumn(),
      {"Desired", "integer", "", "Number of pods the replica set should run.", 0},
      {"Current", "integer", "", "Number of non-terminating pods currently selected.", 0},
      {"Ready", "integer", "", "Number of selected pods that are ready.", 0},
      AgeColumn(),
      {"Containers", "string", "", "Names of each container in the template.", 1},
      {"Images", "string", "", "Images referenced by each container in the template.", 1},
      {"Selector", "string", "", "Label query over the pods counted against replicas.", 1},
  };
  t.row_fn = ReplicaSetRow;
  t.selectable_fields["status.replicas"] = [](const json::object& obj) {
    return std::to_string(IntOr0(ObjAt(obj, "status"), "replicas"));
  };
  return t;
}

}  // namespace berth::api::apps
