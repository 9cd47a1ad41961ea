// apps/v1 Deployment: schema, defaulting, validation and Table printing.
#include "api/kinds/apps/apps_types.h"
#include "api/kinds/apps/field_errors.h"
#include "api/kinds/apps/int_or_percent.h"
#include "api/kinds/apps/label_selector_text.h"
#include "api/kinds/apps/object_access.h"
#include "api/kinds/apps/pod_template_owner.h"
#include "api/kinds/kinds.h"

namespace berth::api::apps {

namespace {

using namespace workload;  // NOLINT(google-build-using-namespace): small helper set

SchemaPtr DeploymentSchema() {
  auto rolling = Object(
      "io.k8s.api.apps.v1.RollingUpdateDeployment",
      "Limits that pace a rolling update: how far the pod count may dip below or rise above the "
      "desired replicas while old pods are swapped for new ones.",
      {
          F("maxUnavailable", IntOrString(),
            "How many pods may be unavailable during the update, as a count (5) or a percentage "
            "of desired pods (10%, rounded down). Cannot be 0 when maxSurge is 0. Defaults to 25%.",
            1),
          F("maxSurge", IntOrString(),
            "How many pods may be created above the desired count during the update, as a count "
            "or a percentage of desired pods (rounded up). Cannot be 0 when maxUnavailable is 0. "
            "Defaults to 25%.",
            2),
      });
  auto strategy = Object(
      "io.k8s.api.apps.v1.DeploymentStrategy",
      "How the deployment replaces the pods of its old ReplicaSets with pods of the new one.",
      {
          F("type", Enum({"Recreate", "RollingUpdate"}),
            "The kind of replacement: \"Recreate\" stops every old pod before starting new ones; "
            "\"RollingUpdate\" (the default) replaces them gradually.",
            1),
          F("rollingUpdate", rolling,
            "Pacing of a rolling update; only meaningful when type is RollingUpdate.", 2),
      },
      /*retain_keys=*/true);
  auto condition = Object(
      "io.k8s.api.apps.v1.DeploymentCondition",
      "One observed aspect of a deployment's state at a point in time.",
      {
          Req("type", String(), "Condition kind: Available, Progressing or ReplicaFailure.", 1),
          Req("status", String(), "Whether the condition holds: True, False or Unknown.", 2),
          F("lastUpdateTime", Time(), "When the controller last refreshed this condition.", 6),
          F("lastTransitionTime", Time(), "When the status last changed value.", 7),
          F("reason", String(), "A one-word CamelCase cause of the latest transition.", 4),
          F("message", String(), "A readable explanation of the latest transition.", 5),
      });
  auto spec = Object(
      "io.k8s.api.apps.v1.DeploymentSpec",
      "The desired state of a Deployment.",
      {
          F("replicas", Int32(),
            "How many pods should run. Left unset it defaults to 1; 0 is a valid explicit value.",
            1),
          Req("selector", LabelSelectorSchema(),
              "Label query picking the pods (and ReplicaSets) this deployment manages. It must "
              "match the template's labels and cannot change once set in apps/v1.",
              2),
          Req("template", PodTemplateSpecSchema(),
              "The pod the deployment's ReplicaSets create. Its restartPolicy may only be "
              "\"Always\".",
              3),
          F("strategy", strategy, "How existing pods are replaced by new ones.", 4),
          F("minReadySeconds", Int32(),
            "Seconds a new pod must stay ready, with no container crashing, before it counts as "
            "available. Defaults to 0 (available as soon as ready).",
            5),
          F("revisionHistoryLimit", Int32(),
            "How many old ReplicaSets to keep for rollback. Defaults to 10.", 6),
          F("paused", Bool(), "When true, template changes are not rolled out.", 7),
          F("progressDeadlineSeconds", Int32(),
            "Seconds a rollout may go without progress before the deployment reports "
            "ProgressDeadlineExceeded in its Progressing condition. Defaults to 600.",
            9),
      });
  auto status = Object(
      "io.k8s.api.apps.v1.DeploymentStatus",
      "The most recently observed state of a Deployment.",
      {
          F("observedGeneration", Int64(),
            "The metadata.generation the controller last acted on.", 1),
          F("replicas", Int32(), "Non-terminating pods selected by this deployment.", 2),
          F("updatedReplicas", Int32(),
            "Non-terminating pods that already run the current template.", 3),
          F("readyReplicas", Int32(), "Selected pods whose Ready condition is true.", 7),
          F("availableReplicas", Int32(),
            "Selected pods that have been ready for at least minReadySeconds.", 4),
          F("unavailableReplicas", Int32(),
            "Pods still missing for the deployment to be fully available: not yet available "
            "or not yet created.",
            5),
          F("conditions", ListMap(condition, {"type"}),
            "The latest observations of the deployment's state, one per condition type.", 6),
          F("collisionCount", Int32(),
            "Counts name-hash collisions; the controller mixes it into the name of the newest "
            "ReplicaSet to keep names unique.",
            8),
      });
  return KindSchema("io.k8s.api.apps.v1.Deployment",
                    "Deployment keeps a number of identical pods running and rolls out changes to "
                    "them declaratively through ReplicaSets.",
                    {
                        F("spec", spec, "What the deployment should look like.", 2),
                        F("status", status, "What the controller last observed.", 3),
                    });
}

void DefaultDeployment(json::object& obj) {
  json::object& spec = EnsureObj(obj, "spec");
  SetDefault(spec, "replicas", 1);
  json::object& strategy = EnsureObj(spec, "strategy");
  if (StrAt(strategy, "type").empty()) strategy["type"] = "RollingUpdate";
  if (StrAt(strategy, "type") == "RollingUpdate") {
    json::object& ru = EnsureObj(strategy, "rollingUpdate");
    SetDefault(ru, "maxUnavailable", "25%");
    SetDefault(ru, "maxSurge", "25%");
  }
  SetDefault(spec, "revisionHistoryLimit", 10);
  SetDefault(spec, "progressDeadlineSeconds", 600);
  DefaultPodTemplate(spec);
}

void ValidateStrategy(const json::object& spec, std::vector<Cause>& out) {
  const json::object* strategy = ObjAt(spec, "strategy");
  if (strategy == nullptr) return;
  const std::string type = StrAt(*strategy, "type");
  const bool has_rolling = Has(*strategy, "rollingUpdate");
  if (type == "Recreate") {
    if (has_rolling) {
      out.push_back(ForbiddenCause("spec.strategy.rollingUpdate",
                                   "may not be specified when strategy `type` is 'Recreate'"));
    }
  } else if (type == "RollingUpdate") {
    const json::object* ru = ObjAt(*strategy, "rollingUpdate");
    if (ru == nullptr) {
      out.push_back(RequiredCause("spec.strategy.rollingUpdate",
                                  "this should be defaulted and never be nil"));
      return;
    }
    const json::value zero(0);
    const json::value* unavailable = ru->if_contains("maxUnavailable");
    const json::value* surge = ru->if_contains("maxSurge");
    if (unavailable == nullptr || unavailable->is_null()) unavailable = &zero;
    if (surge == nullptr || surge->is_null()) surge = &zero;
    const std::string base = "spec.strategy.rollingUpdate.";
    ValidatePositiveIntOrPercent(*unavailable, base + "maxUnavailable", out);
    ValidatePositiveIntOrPercent(*surge, base + "maxSurge", out);
    if (IntOrPercentValue(*unavailable).value_or(-1) == 0 &&
        IntOrPercentValue(*surge).value_or(-1) == 0) {
      out.push_back(InvalidCause(base + "maxUnavailable", GoIntOrString(*unavailable),
                                 "may not be 0 when `maxSurge` is 0"));
    }
    ValidateNotMoreThan100Percent(*unavailable, base + "maxUnavailable", out);
  } else {
    out.push_back(NotSupportedCause("spec.strategy.type", type, {"Recreate", "RollingUpdate"}));
  }
}

std::vector<Cause> ValidateDeployment(const json::object& obj, const json::object* old) {
  std::vector<Cause> out;
  const json::object empty;
  const json::object* spec_ptr = ObjAt(obj, "spec");
  const json::object& spec = spec_ptr != nullptr ? *spec_ptr : empty;
  CheckNonNegative(spec, "replicas", "spec.replicas", out);
  ValidateSelectorAndTemplate(spec, "spec", TemplateRules{}, /*require_selector=*/true, out);
  CheckNonNegative(spec, "minReadySeconds", "spec.minReadySeconds", out);
  CheckNonNegative(spec, "revisionHistoryLimit", "spec.revisionHistoryLimit", out);
  ValidateStrategy(spec, out);
  if (std::optional<int64_t> pds = IntAt(spec, "progressDeadlineSeconds")) {
    CheckNonNegative(spec, "progressDeadlineSeconds", "spec.progressDeadlineSeconds", out);
    if (*pds <= IntAt(spec, "minReadySeconds").value_or(0)) {
      out.push_back(InvalidCause("spec.progressDeadlineSeconds", std::to_string(*pds),
                                 "must be greater than minReadySeconds"));
    }
  }
  if (old != nullptr) CheckSelectorImmutable(obj, *old, out);
  return out;
}

json::array DeploymentRow(const json::object& obj, const HookContext& ctx) {
  const json::object* spec = ObjAt(obj, "spec");
  const json::object* status = ObjAt(obj, "status");
  const json::object* tmpl = spec != nullptr ? ObjAt(*spec, "template") : nullptr;
  auto [names, images] = ContainerCells(tmpl);
  const json::value* selector = spec != nullptr ? spec->if_contains("selector") : nullptr;
  json::array row;
  row.emplace_back(ObjectName(obj));
  row.emplace_back(std::to_string(IntOr0(status, "readyReplicas")) + "/" +
                   std::to_string(IntOr0(spec, "replicas")));
  row.emplace_back(IntOr0(status, "updatedReplicas"));
  row.emplace_back(IntOr0(status, "availableReplicas"));
  row.emplace_back(AgeCell(obj, ctx));
  row.emplace_back(names);
  row.emplace_back(images);
  row.emplace_back(SelectorText(selector));
  return row;
}

}  // namespace

ResourceType DeploymentType() {
  ResourceType t;
  t.group = "apps";
  t.version = "v1";
  t.kind = "Deployment";
  t.plural = "deployments";
  t.singular = "deployment";
  t.short_names = {"deploy"};
  t.categories = {"all"};
  t.has_status = true;
  t.scale = ScaleSpec{};
  t.schema = DeploymentSchema();
  t.default_fn = DefaultDeployment;
  t.validate_fn = ValidateDeployment;
  t.columns = {
      NameColumn(),
      {"Ready", "string", "", "Number of pods that are ready out of the desired replicas.", 0},
      {"Up-to-date", "string", "", "Pods already running the current template.", 0},
      {"Available", "string", "", "Pods ready for at least minReadySeconds.", 0},
      AgeColumn(),
      {"Containers", "string", "", "Names of each container in the template.", 1},
      {"Images", "string", "", "Images referenced by each container in the template.", 1},
      {"Selector", "string", "", "Label query over the pods the deployment manages.", 1},
  };
  t.row_fn = DeploymentRow;
  return t;
}

}  // namespace berth::api::apps
