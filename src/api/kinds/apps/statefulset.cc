// apps/v1 StatefulSet: schema, defaulting, validation and Table printing.
#include <set>

#include "api/kinds/apps/apps_types.h"
#include "api/kinds/apps/field_errors.h"
#include "api/kinds/apps/int_or_percent.h"
#include "api/kinds/apps/object_access.h"
#include "api/kinds/apps/pod_template_owner.h"
#include "api/kinds/kinds.h"

namespace berth::api::apps {

namespace {

using namespace workload;  // NOLINT(google-build-using-namespace)

SchemaPtr StatefulSetSchema() {
  auto rolling = Object(
      "io.k8s.api.apps.v1.RollingUpdateStatefulSetStrategy",
      "Parameters of a StatefulSet rolling update.",
      {
          F("partition", Int32(),
            "Only pods with an ordinal at or above this value are updated; lower ordinals keep "
            "the old revision (useful for canaries). Defaults to 0.",
            1),
          F("maxUnavailable", IntOrString(),
            "How many pods may be unavailable during the update, as a count or a percentage "
            "(rounded up); cannot be 0. Alpha: honoured only with the MaxUnavailableStatefulSet "
            "feature.",
            2),
      });
  auto strategy = Object(
      "io.k8s.api.apps.v1.StatefulSetUpdateStrategy",
      "How the StatefulSet controller replaces pods after a template change.",
      {
          F("type", Enum({"RollingUpdate", "OnDelete"}),
            "\"RollingUpdate\" (the default) replaces pods in reverse ordinal order; "
            "\"OnDelete\" waits for each pod to be deleted by someone else.",
            1),
          F("rollingUpdate", rolling, "Parameters used when type is RollingUpdate.", 2),
      });
  auto retention = Object(
      "io.k8s.api.apps.v1.StatefulSetPersistentVolumeClaimRetentionPolicy",
      "What happens to claims created from volumeClaimTemplates.",
      {
          F("whenDeleted", Enum({"Retain", "Delete"}),
            "On StatefulSet deletion: \"Retain\" (default) keeps the claims, \"Delete\" removes "
            "them.",
            1),
          F("whenScaled", Enum({"Retain", "Delete"}),
            "On scale-down: \"Retain\" (default) keeps the claims of removed pods, \"Delete\" "
            "removes them.",
            2),
      });
  auto ordinals = Object(
      "io.k8s.api.apps.v1.StatefulSetOrdinals",
      "How replica ordinals are numbered.",
      {
          F("start", Int32(),
            "The first replica index; pods are numbered [start, start+replicas). Defaults to 0.",
            1),
      });
  auto condition = Object(
      "io.k8s.api.apps.v1.StatefulSetCondition",
      "One observed aspect of a stateful set's state at a point in time.",
      {
          Req("type", String(), "Condition kind.", 1),
          Req("status", String(), "Whether the condition holds: True, False or Unknown.", 2),
          F("lastTransitionTime", Time(), "When the status last changed value.", 3),
          F("reason", String(), "A one-word CamelCase cause of the latest transition.", 4),
          F("message", String(), "A readable explanation of the latest transition.", 5),
      });
  auto spec = Object(
      "io.k8s.api.apps.v1.StatefulSetSpec",
      "The desired state of a StatefulSet.",
      {
          F("replicas", Int32(),
            "How many uniquely named pods to run. Defaults to 1 when unset.", 1),
          Req("selector", LabelSelectorSchema(),
              "Label query over the pods counted against replicas; it must match the "
              "template's labels.",
              2),
          Req("template", PodTemplateSpecSchema(),
              "The pod stamped out for each ordinal; pods are named <set-name>-<ordinal>. Its "
              "restartPolicy may only be \"Always\".",
              3),
          F("volumeClaimTemplates",
            ListOf(Any("A PersistentVolumeClaim template (io.k8s.api.core.v1.PersistentVolumeClaim).")),
            "Claims each pod gets its own copy of, bound to the pod's identity; every claim "
            "needs a matching volumeMount in the template.",
            4),
          F("serviceName", String(),
            "The headless Service that gives the pods their stable DNS names "
            "(<pod>.<serviceName>.<namespace>.svc...).",
            5),
          F("podManagementPolicy", Enum({"OrderedReady", "Parallel"}),
            "\"OrderedReady\" (default) creates pods one at a time in ordinal order and waits "
            "for each to be ready; \"Parallel\" creates and deletes them all at once.",
            6),
          F("updateStrategy", strategy, "How pods are replaced after a template change.", 7),
          F("revisionHistoryLimit", Int32(),
            "How many old revisions to keep. Defaults to 10.", 8),
          F("minReadySeconds", Int32(),
            "Seconds a new pod must stay ready before it counts as available. Defaults to 0.",
            9),
          F("persistentVolumeClaimRetentionPolicy", retention,
            "Lifecycle of claims created from volumeClaimTemplates. By default they are kept.",
            10),
          F("ordinals", ordinals, "Numbering of replica indices.", 11),
      });
  auto status = Object(
      "io.k8s.api.apps.v1.StatefulSetStatus",
      "The most recently observed state of a StatefulSet.",
      {
          F("observedGeneration", Int64(),
            "The metadata.generation the controller last acted on.", 1),
          Req("replicas", Int32(), "Pods created by the controller.", 2),
          F("readyReplicas", Int32(), "Pods whose Ready condition is true.", 3),
          F("currentReplicas", Int32(), "Pods created from currentRevision.", 4),
          F("updatedReplicas", Int32(), "Pods created from updateRevision.", 5),
          F("currentRevision", String(),
            "The revision used for pods with ordinals [0, currentReplicas).", 6),
          F("updateRevision", String(),
            "The revision used for pods with ordinals [replicas-updatedReplicas, replicas).", 7),
          F("collisionCount", Int32(),
            "Counts name-hash collisions when naming the newest ControllerRevision.", 9),
          F("conditions", ListMap(condition, {"type"}),
            "The latest observations of the stateful set's state, one per condition type.", 10),
          F("availableReplicas", Int32(),
            "Pods ready for at least minReadySeconds.", 11),
      });
  return KindSchema("io.k8s.api.apps.v1.StatefulSet",
                    "StatefulSet runs pods with stable identities: a fixed name, DNS entry and "
                    "storage per ordinal.",
                    {
                        F("spec", spec, "What the stateful set should run.", 2),
                        F("status", status, "What the controller last observed.", 3),
                    });
}

void DefaultStatefulSet(json::object& obj) {
  json::object& spec = EnsureObj(obj, "spec");
  SetDefault(spec, "replicas", 1);
  if (StrAt(spec, "podManagementPolicy").empty()) spec["podManagementPolicy"] = "OrderedReady";
  json::object& strategy = EnsureObj(spec, "updateStrategy");
  if (StrAt(strategy, "type").empty()) {
    strategy["type"] = "RollingUpdate";
    EnsureObj(strategy, "rollingUpdate");
  }
  if (StrAt(strategy, "type") == "RollingUpdate") {
    if (json::object* ru = MutObjAt(strategy, "rollingUpdate")) SetDefault(*ru, "partition", 0);
  }
  SetDefault(spec, "revisionHistoryLimit", 10);
  json::object& retention = EnsureObj(spec, "persistentVolumeClaimRetentionPolicy");
  if (StrAt(retention, "whenDeleted").empty()) retention["whenDeleted"] = "Retain";
  if (StrAt(retention, "whenScaled").empty()) retention["whenScaled"] = "Retain";
  DefaultPodTemplate(spec);
}

void ValidateStatefulSetSpec(const json::object& spec, std::vector<Cause>& out) {
  const std::string policy = StrAt(spec, "podManagementPolicy");
  if (policy.empty()) {
    out.push_back(RequiredCause("spec.podManagementPolicy"));
  } else if (policy != "OrderedReady" && policy != "Parallel") {
    out.push_back(
        NotSupportedCause("spec.podManagementPolicy", policy, {"OrderedReady", "Parallel"}));
  }
  const json::object empty;
  const json::object* s = ObjAt(spec, "updateStrategy");
  const json::object& strategy = s != nullptr ? *s : empty;
  const std::string type = StrAt(strategy, "type");
  const json::object* ru = ObjAt(strategy, "rollingUpdate");
  if (type == "RollingUpdate") {
    if (ru != nullptr) {
      CheckNonNegative(*ru, "partition", "spec.updateStrategy.rollingUpdate.partition", out);
      if (const json::value* mu = ru->if_contains("maxUnavailable"); mu != nullptr && !mu->is_null()) {
        const std::string path = "spec.updateStrategy.rollingUpdate.maxUnavailable";
        ValidatePositiveIntOrPercent(*mu, path, out);
        if (IntOrPercentValue(*mu).value_or(-1) == 0) {
          out.push_back(InvalidCause(path, GoIntOrString(*mu), "cannot be 0"));
        }
      }
    }
  } else if (type == "OnDelete") {
    if (ru != nullptr) {
      out.push_back(InvalidCause("spec.updateStrategy.rollingUpdate",
                                 json::serialize(strategy.at("rollingUpdate")),
                                 "only allowed for updateStrategy 'RollingUpdate'"));
    }
  } else if (type.empty()) {
    out.push_back(RequiredCause("spec.updateStrategy"));
  } else {
    out.push_back(InvalidCause("spec.updateStrategy", GoQuote(type),
                               "must be 'RollingUpdate' or 'OnDelete'"));
  }
  if (const json::object* retention = ObjAt(spec, "persistentVolumeClaimRetentionPolicy")) {
    for (const char* key : {"whenDeleted", "whenScaled"}) {
      std::string v = StrAt(*retention, key);
      if (v != "Retain" && v != "Delete") {
        out.push_back(NotSupportedCause(
            std::string("spec.persistentVolumeClaimRetentionPolicy.") + key, v,
            {"Retain", "Delete"}));
      }
    }
  }
  CheckNonNegative(spec, "revisionHistoryLimit", "spec.revisionHistoryLimit", out);
  CheckNonNegative(spec, "replicas", "spec.replicas", out);
  CheckNonNegative(spec, "minReadySeconds", "spec.minReadySeconds", out);
  if (const json::object* ord = ObjAt(spec, "ordinals")) {
    CheckNonNegative(*ord, "start", "spec.ordinals.start", out);
  }
  TemplateRules rules;
  rules.selector_kind = "statefulset";
  rules.deadline_kind = "StatefulSet";
  ValidateSelectorAndTemplate(spec, "spec", rules, /*require_selector=*/true, out);
}

// Only these spec fields may change after creation.
const std::set<std::string>& MutableSpecFields() {
  static const std::set<std::string> fields = {
      "replicas",          "ordinals",       "template",
      "updateStrategy",    "revisionHistoryLimit", "persistentVolumeClaimRetentionPolicy",
      "minReadySeconds"};
  return fields;
}

std::vector<Cause> ValidateStatefulSet(const json::object& obj, const json::object* old) {
  std::vector<Cause> out;
  const json::object empty;
  const json::object* spec_ptr = ObjAt(obj, "spec");
  const json::object& spec = spec_ptr != nullptr ? *spec_ptr : empty;
  ValidateStatefulSetSpec(spec, out);
  if (old != nullptr) {
    const json::object* old_spec_ptr = ObjAt(*old, "spec");
    const json::object& old_spec = old_spec_ptr != nullptr ? *old_spec_ptr : empty;
    json::object a = spec;
    json::object b = old_spec;
    for (const std::string& k : MutableSpecFields()) {
      a.erase(k);
      b.erase(k);
    }
    if (a != b) {
      out.push_back(ForbiddenCause(
          "spec",
          "updates to statefulset spec for fields other than 'replicas', 'ordinals', "
          "'template', 'updateStrategy', 'revisionHistoryLimit', "
          "'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden"));
    }
  }
  return out;
}

json::array StatefulSetRow(const json::object& obj, const HookContext& ctx) {
  const json::object* spec = ObjAt(obj, "spec");
  const json::object* status = ObjAt(obj, "status");
  auto [names, images] = ContainerCells(spec != nullptr ? ObjAt(*spec, "template") : nullptr);
  json::array row;
  row.emplace_back(ObjectName(obj));
  row.emplace_back(std::to_string(IntOr0(status, "readyReplicas")) + "/" +
                   std::to_string(IntOr0(spec, "replicas")));
  row.emplace_back(AgeCell(obj, ctx));
  row.emplace_back(names);
  row.emplace_back(images);
  return row;
}

}  // namespace

ResourceType StatefulSetType() {
  ResourceType t;
  t.group = "apps";
  t.version = "v1";
  t.kind = "StatefulSet";
  t.plural = "statefulsets";
  t.singular = "statefulset";
  t.short_names = {"sts"};
  t.categories = {"all"};
  t.has_status = true;
  t.scale = ScaleSpec{};
  t.schema = StatefulSetSchema();
  t.default_fn = DefaultStatefulSet;
  t.validate_fn = ValidateStatefulSet;
  t.columns = {
      NameColumn(),
      {"Ready", "string", "", "Number of pods that are ready out of the desired replicas.", 0},
      AgeColumn(),
      {"Containers", "string", "", "Names of each container in the template.", 1},
      {"Images", "string", "", "Images referenced by each container in the template.", 1},
  };
  t.row_fn = StatefulSetRow;
  return t;
}

}  // namespace berth::api::apps
