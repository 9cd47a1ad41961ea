// core/v1 ReplicationController: the ReplicaSet's predecessor with an equality-only selector
// (a plain label map). Schema, defaulting (selector and labels from the template), validation,
// scale subresource and kubectl's Table.
#include "api/kinds/apps/field_errors.h"
#include "api/kinds/apps/object_access.h"
#include "api/kinds/apps/pod_template_owner.h"
#include "api/kinds/core/core_kinds.h"
#include "api/kinds/core/core_schemas.h"
#include "api/kinds/kinds.h"

namespace berth::api::core {

namespace {

using namespace workload;  // NOLINT(google-build-using-namespace)

SchemaPtr ReplicationControllerSchema() {
  auto condition = CoreObject(
      "ReplicationControllerCondition", "One observed aspect of the controller's state.",
      {
          Req("type", String(), "Condition kind, e.g. ReplicaFailure.", 1),
          Req("status", String(), "True, False or Unknown.", 2),
          F("lastTransitionTime", Time(), "When the status last changed value.", 3),
          F("reason", String(), "A one-word CamelCase cause of the latest transition.", 4),
          F("message", String(), "A readable explanation of the latest transition.", 5),
      });
  auto spec = CoreObject(
      "ReplicationControllerSpec", "The desired state of a replication controller.",
      {
          F("replicas", Int32(), "How many pods should exist (default 1).", 1),
          F("minReadySeconds", Int32(),
            "Seconds a new pod must stay ready before it counts as available.", 4),
          F("selector", StringMap(),
            "Labels a pod must carry to count against replicas; defaults to the template's "
            "labels.",
            2),
          F("template", PodTemplateSpecSchema(),
            "The pod created whenever fewer than replicas pods exist.", 3),
      });
  auto status = CoreObject(
      "ReplicationControllerStatus", "The most recently observed state of the controller.",
      {
          Req("replicas", Int32(), "Pods currently selected.", 1),
          F("fullyLabeledReplicas", Int32(), "Selected pods with every template label.", 2),
          F("readyReplicas", Int32(), "Selected pods that are ready.", 4),
          F("availableReplicas", Int32(), "Selected pods ready for minReadySeconds.", 5),
          F("observedGeneration", Int64(), "The generation the controller last acted on.", 3),
          F("conditions", ListMap(condition, {"type"}), "The latest observations.", 6),
      });
  return KindSchema("io.k8s.api.core.v1.ReplicationController",
                    "Keeps a fixed number of pods matching a label map running.",
                    {
                        F("spec", spec, "What the controller should maintain.", 2),
                        F("status", status, "What the controller last observed.", 3),
                    });
}

const json::object* TemplateLabels(const json::object& spec) {
  const json::object* tmpl = ObjAt(spec, "template");
  const json::object* meta = tmpl != nullptr ? ObjAt(*tmpl, "metadata") : nullptr;
  return meta != nullptr ? ObjAt(*meta, "labels") : nullptr;
}

void DefaultReplicationController(json::object& obj) {
  EnsureObj(obj, "metadata");
  json::object& spec = EnsureObj(obj, "spec");  // no more inserts into obj after this
  SetDefault(spec, "replicas", 1);
  if (const json::object* found = TemplateLabels(spec); found != nullptr && !found->empty()) {
    const json::object labels = *found;
    const json::object* sel = ObjAt(spec, "selector");
    if (sel == nullptr || sel->empty()) spec["selector"] = labels;
    json::object& meta = obj["metadata"].as_object();
    const json::object* own = ObjAt(meta, "labels");
    if (own == nullptr || own->empty()) meta["labels"] = labels;
  }
  DefaultPodTemplate(spec);
}

std::vector<Cause> ValidateReplicationController(const json::object& obj,
                                                 const json::object* /*old*/) {
  std::vector<Cause> out;
  const json::object empty;
  const json::object* spec_ptr = ObjAt(obj, "spec");
  const json::object& spec = spec_ptr != nullptr ? *spec_ptr : empty;
  CheckNonNegative(spec, "replicas", "spec.replicas", out);
  CheckNonNegative(spec, "minReadySeconds", "spec.minReadySeconds", out);
  // The shared check speaks metav1.LabelSelector: hand it the map as matchLabels.
  json::object as_label_selector = spec;
  const json::object* sel = ObjAt(spec, "selector");
  if (sel == nullptr || sel->empty()) {
    out.push_back(RequiredCause("spec.selector"));
    as_label_selector.erase("selector");
  } else {
    as_label_selector["selector"] = json::object{{"matchLabels", *sel}};
  }
  TemplateRules rules;
  rules.selector_kind = "replicationcontroller";
  rules.deadline_kind = "ReplicationController";
  rules.forbid_empty_selector = false;
  ValidateSelectorAndTemplate(as_label_selector, "spec", rules, /*require_selector=*/false, out);
  return out;
}

json::array ReplicationControllerRow(const json::object& obj, const HookContext& ctx) {
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
  row.emplace_back(FormatLabels(spec != nullptr ? ObjAt(*spec, "selector") : nullptr));
  return row;
}

}  // namespace

ResourceType ReplicationControllerType() {
  ResourceType t;
  t.version = "v1";
  t.kind = "ReplicationController";
  t.plural = "replicationcontrollers";
  t.singular = "replicationcontroller";
  t.short_names = {"rc"};
  t.categories = {"all"};
  t.has_status = true;
  t.scale = ScaleSpec{};
  t.scale->selector_is_map = true;
  t.schema = ReplicationControllerSchema();
  t.default_fn = DefaultReplicationController;
  t.validate_fn = ValidateReplicationController;
  t.columns = {
      NameColumn(),
      {"Desired", "integer", "", "Number of pods the controller should run.", 0},
      {"Current", "integer", "", "Number of pods currently selected.", 0},
      {"Ready", "integer", "", "Number of selected pods that are ready.", 0},
      AgeColumn(),
      {"Containers", "string", "", "Names of each container in the template.", 1},
      {"Images", "string", "", "Images referenced by each container in the template.", 1},
      {"Selector", "string", "", "Labels a pod must carry to be counted.", 1},
  };
  t.row_fn = ReplicationControllerRow;
  t.selectable_fields["status.replicas"] = [](const json::object& obj) {
    return std::to_string(IntOr0(ObjAt(obj, "status"), "replicas"));
  };
  return t;
}

}  // namespace berth::api::core
