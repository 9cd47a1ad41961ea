// core/v1 Namespace (cluster-scoped).
#include "api/kinds/core/core_kinds.h"
#include "api/kinds/core/core_schemas.h"
#include "api/kinds/core/field_errors.h"
#include "api/kinds/kinds.h"
#include "api/validation/names.h"

namespace berth::api::core {

namespace {

void DefaultNamespace(json::object& ns) {
  if (!ns.contains("spec") || !ns["spec"].is_object()) ns["spec"] = json::object();
  json::object& spec = ns["spec"].get_object();
  if (!spec.contains("finalizers")) spec["finalizers"] = json::array{"kubernetes"};
  if (!ns.contains("status") || !ns["status"].is_object()) ns["status"] = json::object();
  json::object& status = ns["status"].get_object();
  if (StringAt(status, "phase").empty()) status["phase"] = "Active";
  // Every namespace carries its own name as a label, so selectors can pick namespaces by name.
  std::string name = StringAtPath(ns, {"metadata", "name"});
  if (!name.empty() && ns.contains("metadata") && ns["metadata"].is_object()) {
    json::object& meta = ns["metadata"].get_object();
    if (!meta.contains("labels") || !meta["labels"].is_object()) meta["labels"] = json::object();
    meta["labels"].get_object()["kubernetes.io/metadata.name"] = name;
  }
}

std::vector<Cause> ValidateNamespace(const json::object& ns, const json::object* old) {
  std::vector<Cause> out;
  std::string name = StringAtPath(ns, {"metadata", "name"});
  if (!name.empty()) {
    AppendInvalid(out, "metadata.name", json::value(name), validation::IsDNS1123Label(name));
  }
  std::string phase = StringAtPath(ns, {"status", "phase"});
  if (!phase.empty() && phase != "Active" && phase != "Terminating") {
    out.push_back(NotSupportedCause("status.phase", json::value(phase), {"Active", "Terminating"}));
  }
  return out;
}

}  // namespace

ResourceType NamespaceType() {
  static const SchemaPtr condition = CoreObject(
      "NamespaceCondition", "One observed aspect of the namespace's state.",
      {
          Req("type", String(), "Condition type.", 1),
          Req("status", String(), "True, False or Unknown.", 2),
          F("lastTransitionTime", Time(), "When the status last changed.", 4),
          F("reason", String(), "Machine-readable reason.", 5),
          F("message", String(), "Human-readable details.", 6),
      });
  ResourceType t;
  t.version = "v1";
  t.kind = "Namespace";
  t.plural = "namespaces";
  t.singular = "namespace";
  t.short_names = {"ns"};
  t.namespaced = false;
  t.has_status = true;
  t.generation_tracks_spec = false;
  t.verbs = {"create", "delete", "get", "list", "patch", "update", "watch"};
  t.schema = KindSchema(
      "io.k8s.api.core.v1.Namespace", "A scope for names; most objects live in one.",
      {
          F("spec",
            CoreObject("NamespaceSpec", "Desired state of a namespace.",
                       {F("finalizers", ListOf(String()),
                          "Must be empty before the namespace is removed.", 1)}),
            "Desired state of the namespace.", 2),
          F("status",
            CoreObject("NamespaceStatus", "Observed state of a namespace.",
                       {F("phase", Enum({"Active", "Terminating"}), "Active or Terminating.", 1),
                        F("conditions", ListMap(condition, {"type"}), "Current conditions.", 2)}),
            "Observed state of the namespace.", 3),
      });
  t.default_fn = DefaultNamespace;
  t.validate_fn = ValidateNamespace;
  t.columns = {NameColumn(),
               {"Status", "string", "", "Phase of the namespace: Active or Terminating.", 0},
               AgeColumn()};
  t.row_fn = [](const json::object& ns, const HookContext& ctx) {
    return json::array{json::value(StringAtPath(ns, {"metadata", "name"})),
                       json::value(StringAtPath(ns, {"status", "phase"})),
                       json::value(AgeCell(ns, ctx))};
  };
  t.selectable_fields = {{"status.phase", FieldAt({"status", "phase"})}};
  return t;
}

}  // namespace berth::api::core
