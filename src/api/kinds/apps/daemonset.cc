// apps/v1 DaemonSet: schema, defaulting, validation and Table printing.
#include "api/kinds/apps/apps_types.h"
#include "api/kinds/apps/field_errors.h"
#include "api/kinds/apps/int_or_percent.h"
#include "api/kinds/apps/label_selector_text.h"
#include "api/kinds/apps/object_access.h"
#include "api/kinds/apps/pod_template_owner.h"
#include "api/kinds/kinds.h"

namespace berth::api::apps {

namespace {

using namespace workload;  // NOLINT(google-build-using-namespace)

SchemaPtr DaemonSetSchema() {
  auto rolling = Object(
      "io.k8s.api.apps.v1.RollingUpdateDaemonSet",
      "Pacing of a daemon set rolling update across nodes.",
      {
          F("maxUnavailable", IntOrString(),
            "How many nodes may be without an available daemon pod during the update, as a "
            "count or a percentage of desiredNumberScheduled (rounded up). Cannot be 0 when "
            "maxSurge is 0. Defaults to 1.",
            1),
          F("maxSurge", IntOrString(),
            "How many nodes may briefly run both the old and the updated daemon pod, as a count "
            "or a percentage (rounded up, at least 1). Cannot be 0 when maxUnavailable is 0. "
            "Defaults to 0.",
            2),
      });
  auto strategy = Object(
      "io.k8s.api.apps.v1.DaemonSetUpdateStrategy",
      "How a daemon set replaces its pods when the template changes.",
      {
          F("type", Enum({"RollingUpdate", "OnDelete"}),
            "\"RollingUpdate\" (the default) replaces pods node by node; \"OnDelete\" only "
            "replaces a pod once someone deletes it.",
            1),
          F("rollingUpdate", rolling, "Pacing used when type is RollingUpdate.", 2),
      });
  auto condition = Object(
      "io.k8s.api.apps.v1.DaemonSetCondition",
      "One observed aspect of a daemon set's state at a point in time.",
      {
          Req("type", String(), "Condition kind.", 1),
          Req("status", String(), "Whether the condition holds: True, False or Unknown.", 2),
          F("lastTransitionTime", Time(), "When the status last changed value.", 3),
          F("reason", String(), "A one-word CamelCase cause of the latest transition.", 4),
          F("message", String(), "A readable explanation of the latest transition.", 5),
      });
  auto spec = Object(
      "io.k8s.api.apps.v1.DaemonSetSpec",
      "The desired state of a DaemonSet.",
      {
          Req("selector", LabelSelectorSchema(),
              "Label query over the pods this daemon set controls; it must match the "
              "template's labels.",
              1),
          Req("template", PodTemplateSpecSchema(),
              "The pod run once on every eligible node (those matching the template's node "
              "selector, or all nodes). Its restartPolicy may only be \"Always\".",
              2),
          F("updateStrategy", strategy, "How pods are replaced after a template change.", 3),
          F("minReadySeconds", Int32(),
            "Seconds a new daemon pod must stay ready before it counts as available. "
            "Defaults to 0.",
            4),
          F("revisionHistoryLimit", Int32(),
            "How many old revisions to keep for rollback. Defaults to 10.", 6),
      });
  auto status = Object(
      "io.k8s.api.apps.v1.DaemonSetStatus",
      "The most recently observed state of a DaemonSet.",
      {
          Req("currentNumberScheduled", Int32(),
              "Nodes that should run the daemon pod and run at least one.", 1),
          Req("numberMisscheduled", Int32(),
              "Nodes running the daemon pod that should not run it.", 2),
          Req("desiredNumberScheduled", Int32(),
              "Nodes that should run the daemon pod, whether or not they do.", 3),
          Req("numberReady", Int32(),
              "Nodes that should run the daemon pod and have one that is ready.", 4),
          F("observedGeneration", Int64(),
            "The metadata.generation the controller last acted on.", 5),
          F("updatedNumberScheduled", Int32(), "Nodes running the current template's pod.", 6),
          F("numberAvailable", Int32(),
            "Nodes that should run the daemon pod and have one available for minReadySeconds.",
            7),
          F("numberUnavailable", Int32(),
            "Nodes that should run the daemon pod and have none available.", 8),
          F("collisionCount", Int32(),
            "Counts name-hash collisions when naming the newest ControllerRevision.", 9),
          F("conditions", ListMap(condition, {"type"}),
            "The latest observations of the daemon set's state, one per condition type.", 10),
      });
  return KindSchema("io.k8s.api.apps.v1.DaemonSet",
                    "DaemonSet runs one copy of a pod on each eligible node.",
                    {
                        F("spec", spec, "What the daemon set should run.", 2),
                        F("status", status, "What the controller last observed.", 3),
                    });
}

void DefaultDaemonSet(json::object& obj) {
  json::object& spec = EnsureObj(obj, "spec");
  json::object& strategy = EnsureObj(spec, "updateStrategy");
  if (StrAt(strategy, "type").empty()) strategy["type"] = "RollingUpdate";
  if (StrAt(strategy, "type") == "RollingUpdate") {
    json::object& ru = EnsureObj(strategy, "rollingUpdate");
    SetDefault(ru, "maxUnavailable", 1);
    SetDefault(ru, "maxSurge", 0);
  }
  SetDefault(spec, "revisionHistoryLimit", 10);
  DefaultPodTemplate(spec);
}

void ValidateUpdateStrategy(const json::object& spec, std::vector<Cause>& out) {
  const json::object empty;
  const json::object* s = ObjAt(spec, "updateStrategy");
  const json::object& strategy = s != nullptr ? *s : empty;
  const std::string type = StrAt(strategy, "type");
  if (type == "OnDelete") return;
  if (type != "RollingUpdate") {
    out.push_back(NotSupportedCause("spec.updateStrategy.type", type, {"RollingUpdate", "OnDelete"}));
    return;
  }
  const json::object* ru = ObjAt(strategy, "rollingUpdate");
  const std::string base = "spec.updateStrategy.rollingUpdate";
  if (ru == nullptr) {
    out.push_back(RequiredCause(base));
    return;
  }
  const json::value zero(0);
  const json::value* unavailable = ru->if_contains("maxUnavailable");
  const json::value* surge = ru->if_contains("maxSurge");
  if (unavailable == nullptr || unavailable->is_null()) unavailable = &zero;
  if (surge == nullptr || surge->is_null()) surge = &zero;
  ValidatePositiveIntOrPercent(*unavailable, base + ".maxUnavailable", out);
  ValidatePositiveIntOrPercent(*surge, base + ".maxSurge", out);
  ValidateNotMoreThan100Percent(*unavailable, base + ".maxUnavailable", out);
  ValidateNotMoreThan100Percent(*surge, base + ".maxSurge", out);
  bool has_unavailable = IntOrPercentValue(*unavailable).value_or(0) != 0;
  bool has_surge = IntOrPercentValue(*surge).value_or(0) != 0;
  if (has_unavailable && has_surge) {
    out.push_back(InvalidCause(base + ".maxSurge", GoIntOrString(*surge),
                               "may not be set when maxUnavailable is non-zero"));
  } else if (!has_unavailable && !has_surge) {
    out.push_back(RequiredCause(base + ".maxUnavailable", "cannot be 0 when maxSurge is 0"));
  }
}

std::vector<Cause> ValidateDaemonSet(const json::object& obj, const json::object* old) {
  std::vector<Cause> out;
  const json::object empty;
  const json::object* spec_ptr = ObjAt(obj, "spec");
  const json::object& spec = spec_ptr != nullptr ? *spec_ptr : empty;
  TemplateRules rules;
  rules.selector_kind = "daemonset";
  rules.deadline_kind = "DaemonSet";
  ValidateSelectorAndTemplate(spec, "spec", rules, /*require_selector=*/true, out);
  CheckNonNegative(spec, "minReadySeconds", "spec.minReadySeconds", out);
  ValidateUpdateStrategy(spec, out);
  CheckNonNegative(spec, "revisionHistoryLimit", "spec.revisionHistoryLimit", out);
  if (old != nullptr) CheckSelectorImmutable(obj, *old, out);
  return out;
}

json::array DaemonSetRow(const json::object& obj, const HookContext& ctx) {
  const json::object* spec = ObjAt(obj, "spec");
  const json::object* status = ObjAt(obj, "status");
  const json::object* tmpl = spec != nullptr ? ObjAt(*spec, "template") : nullptr;
  const json::object* pod_spec = tmpl != nullptr ? ObjAt(*tmpl, "spec") : nullptr;
  auto [names, images] = ContainerCells(tmpl);
  json::array row;
  row.emplace_back(ObjectName(obj));
  row.emplace_back(IntOr0(status, "desiredNumberScheduled"));
  row.emplace_back(IntOr0(status, "currentNumberScheduled"));
  row.emplace_back(IntOr0(status, "numberReady"));
  row.emplace_back(IntOr0(status, "updatedNumberScheduled"));
  row.emplace_back(IntOr0(status, "numberAvailable"));
  row.emplace_back(FormatLabels(pod_spec != nullptr ? pod_spec->if_contains("nodeSelector") : nullptr));
  row.emplace_back(AgeCell(obj, ctx));
  row.emplace_back(names);
  row.emplace_back(images);
  row.emplace_back(FormatLabelSelector(spec != nullptr ? spec->if_contains("selector") : nullptr));
  return row;
}

}  // namespace

ResourceType DaemonSetType() {
  ResourceType t;
  t.group = "apps";
  t.version = "v1";
  t.kind = "DaemonSet";
  t.plural = "daemonsets";
  t.singular = "daemonset";
  t.short_names = {"ds"};
  t.categories = {"all"};
  t.has_status = true;
  t.schema = DaemonSetSchema();
  t.default_fn = DefaultDaemonSet;
  t.validate_fn = ValidateDaemonSet;
  t.columns = {
      NameColumn(),
      {"Desired", "integer", "", "Nodes that should run the daemon pod.", 0},
      {"Current", "integer", "", "Nodes running at least one daemon pod.", 0},
      {"Ready", "integer", "", "Nodes whose daemon pod is ready.", 0},
      {"Up-to-date", "integer", "", "Nodes running the current template's pod.", 0},
      {"Available", "integer", "", "Nodes whose daemon pod is available.", 0},
      {"Node Selector", "string", "", "Node labels a node needs to run the daemon pod.", 0},
      AgeColumn(),
      {"Containers", "string", "", "Names of each container in the template.", 1},
      {"Images", "string", "", "Images referenced by each container in the template.", 1},
      {"Selector", "string", "", "Label query over the pods the daemon set controls.", 1},
  };
  t.row_fn = DaemonSetRow;
  return t;
}

}  // namespace berth::api::apps
