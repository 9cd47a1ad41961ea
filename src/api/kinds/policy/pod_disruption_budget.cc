// policy/v1 PodDisruptionBudget: schema, validation and Table printing.
#include "api/kinds/apps/field_errors.h"
#include "api/kinds/apps/int_or_percent.h"
#include "api/kinds/apps/object_access.h"
#include "api/kinds/kinds.h"

namespace berth::api {

namespace {

using namespace workload;  // NOLINT(google-build-using-namespace)

SchemaPtr PdbSchema() {
  const std::string p = "io.k8s.api.policy.v1.";
  auto spec = Object(
      p + "PodDisruptionBudgetSpec",
      "How many of the selected pods voluntary disruptions (evictions) may take down.",
      {
          F("minAvailable", IntOrString(),
            "An eviction is allowed only if at least this many selected pods (a count or a "
            "percentage) stay available afterwards; \"100%\" blocks all evictions.",
            1),
          F("selector", LabelSelectorSchema(),
            "The pods the budget covers. A null selector selects none; an empty one selects "
            "every pod in the namespace.",
            2),
          F("maxUnavailable", IntOrString(),
            "An eviction is allowed only if at most this many selected pods (a count or a "
            "percentage) are unavailable afterwards; 0 blocks all evictions. Not combinable "
            "with minAvailable.",
            3),
          F("unhealthyPodEvictionPolicy", Enum({"IfHealthyBudget", "AlwaysAllow"}),
            "Whether running but not-ready pods may be evicted: only while the budget is met "
            "(IfHealthyBudget, the default behaviour) or always (AlwaysAllow).",
            4),
      });
  auto status = Object(
      p + "PodDisruptionBudgetStatus", "What the disruption controller last computed.",
      {
          F("observedGeneration", Int64(), "The generation these numbers were computed for.", 1),
          F("disruptedPods", MapOf(Time()),
            "Pods whose eviction was accepted but whose deletion the controller has not seen "
            "yet, with the time of the eviction.",
            2),
          Req("disruptionsAllowed", Int32(), "How many pods may be disrupted right now.", 3),
          Req("currentHealthy", Int32(), "Selected pods that are healthy.", 4),
          Req("desiredHealthy", Int32(), "The fewest healthy pods the budget requires.", 5),
          Req("expectedPods", Int32(), "Pods the budget counts.", 6),
          F("conditions", ListMap(ConditionSchema(), {"type"}),
            "Conditions such as DisruptionAllowed, one per type.", 7),
      });
  return KindSchema(p + "PodDisruptionBudget",
                    "PodDisruptionBudget limits how many pods of a set voluntary disruptions "
                    "may take down at once.",
                    {
                        F("spec", spec, "The pods covered and the limit.", 2),
                        F("status", status, "What the controller last observed.", 3),
                    });
}

std::vector<Cause> ValidatePdb(const json::object& obj, const json::object* old) {
  std::vector<Cause> out;
  const json::object empty;
  const json::object* spec_ptr = ObjAt(obj, "spec");
  const json::object& spec = spec_ptr != nullptr ? *spec_ptr : empty;
  const json::value* min = spec.if_contains("minAvailable");
  const json::value* max = spec.if_contains("maxUnavailable");
  if (min != nullptr && min->is_null()) min = nullptr;
  if (max != nullptr && max->is_null()) max = nullptr;
  if (min != nullptr && max != nullptr) {
    out.push_back(InvalidCause("spec.minAvailable", GoIntOrString(*min),
                               "minAvailable and maxUnavailable cannot be both set"));
  }
  if (min != nullptr) {
    ValidatePositiveIntOrPercent(*min, "spec.minAvailable", out);
    ValidateNotMoreThan100Percent(*min, "spec.minAvailable", out);
  }
  if (max != nullptr) {
    ValidatePositiveIntOrPercent(*max, "spec.maxUnavailable", out);
    ValidateNotMoreThan100Percent(*max, "spec.maxUnavailable", out);
  }
  std::vector<Cause> sel = ValidateLabelSelector(spec.if_contains("selector"), "spec.selector",
                                                 false);
  out.insert(out.end(), sel.begin(), sel.end());
  if (Has(spec, "unhealthyPodEvictionPolicy")) {
    std::string v = StrAt(spec, "unhealthyPodEvictionPolicy");
    if (v != "IfHealthyBudget" && v != "AlwaysAllow") {
      out.push_back(NotSupportedCause("spec.unhealthyPodEvictionPolicy", v,
                                      {"AlwaysAllow", "IfHealthyBudget"}));
    }
  }
  (void)old;
  return out;
}

std::string IntOrStringCell(const json::object* spec, std::string_view key) {
  const json::value* v = spec != nullptr ? spec->if_contains(key) : nullptr;
  if (v == nullptr || v->is_null()) return "N/A";
  return v->is_string() ? std::string(v->get_string()) : GoValue(*v);
}

json::array PdbRow(const json::object& obj, const HookContext& ctx) {
  const json::object* spec = ObjAt(obj, "spec");
  json::array row;
  row.emplace_back(ObjectName(obj));
  row.emplace_back(IntOrStringCell(spec, "minAvailable"));
  row.emplace_back(IntOrStringCell(spec, "maxUnavailable"));
  row.emplace_back(IntOr0(ObjAt(obj, "status"), "disruptionsAllowed"));
  row.emplace_back(AgeCell(obj, ctx));
  return row;
}

}  // namespace

void RegisterPolicyKinds(Registry& r) {
  ResourceType t;
  t.group = "policy";
  t.version = "v1";
  t.kind = "PodDisruptionBudget";
  t.plural = "poddisruptionbudgets";
  t.singular = "poddisruptionbudget";
  t.short_names = {"pdb"};
  t.has_status = true;
  t.schema = PdbSchema();
  t.validate_fn = ValidatePdb;
  t.columns = {
      NameColumn(),
      {"Min Available", "string", "", "The minimum number of pods that must be available.", 0},
      {"Max Unavailable", "string", "", "The maximum number of pods that may be unavailable.",
       0},
      {"Allowed Disruptions", "integer", "",
       "Calculated number of pods that may be disrupted at this time.", 0},
      AgeColumn(),
  };
  t.row_fn = PdbRow;
  r.Add(std::move(t));
}

}  // namespace berth::api
