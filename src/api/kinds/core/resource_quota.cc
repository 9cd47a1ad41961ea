// core/v1 ResourceQuota: schema, validation and Table printing. Admission
// (apiserver/admission/) enforces it; controllers/resourcequota/ fills status.
#include <map>
#include <set>

#include "api/kinds/core/core_kinds.h"
#include "api/kinds/core/core_schemas.h"
#include "api/kinds/core/field_errors.h"
#include "api/kinds/kinds.h"
#include "api/validation/quantity.h"
#include "common/json.h"

namespace berth::api::core {

namespace {

const std::vector<std::string> kScopes = {"Terminating",   "NotTerminating",
                                          "BestEffort",    "NotBestEffort",
                                          "PriorityClass", "CrossNamespacePodAffinity"};

SchemaPtr QuotaSchema() {
  auto requirement = CoreObject(
      "ScopedResourceSelectorRequirement", "One scope and how it selects objects.",
      {
          Req("scopeName", Enum(kScopes), "The scope the selector applies to.", 1),
          Req("operator", Enum({"In", "NotIn", "Exists", "DoesNotExist"}),
              "How the scope relates to the values.", 2),
          F("values", ListOf(String()), "Values for In and NotIn.", 3),
      });
  auto selector = CoreObject("ScopeSelector", "Scope requirements, all of which must match.",
                             {F("matchExpressions", ListOf(requirement),
                                "The requirements (ANDed).", 1)});
  auto spec = CoreObject(
      "ResourceQuotaSpec", "The limits of a quota and what it tracks.",
      {
          F("hard", MapOf(Quantity()), "The most of each named resource the namespace may use.",
            1),
          F("scopes", ListOf(Enum(kScopes)),
            "Only objects matching every scope are tracked (pods only).", 2),
          F("scopeSelector", selector, "Like scopes, with operators and values.", 3),
      });
  auto status = CoreObject(
      "ResourceQuotaStatus", "What is enforced and what is used.",
      {
          F("hard", MapOf(Quantity()), "The enforced limits.", 1),
          F("used", MapOf(Quantity()), "What the namespace currently uses.", 2),
      });
  return KindSchema("io.k8s.api.core.v1.ResourceQuota",
                    "Limits on the aggregate resource use of one namespace.",
                    {
                        F("spec", spec, "The desired limits.", 2),
                        F("status", status, "Enforced limits and current usage.", 3),
                    });
}

// kube's IsResourceQuotaScopeValidForResource.
bool ScopeAllowsResource(const std::string& scope, const std::string& res) {
  static const std::set<std::string> kCompute = {"cpu",          "memory",
                                                 "requests.cpu", "requests.memory",
                                                 "limits.cpu",   "limits.memory"};
  if (scope == "BestEffort") return res == "pods";
  return res == "pods" || kCompute.count(res) > 0;
}

void ValidateResourceList(std::vector<Cause>& out, const json::value* list,
                          const std::string& path) {
  if (!list || !list->is_object()) return;
  for (const auto& kv : list->get_object()) {
    std::string key(kv.key());
    std::string field = path + "[" + key + "]";
    if (key.empty()) {
      out.push_back(RequiredCause(field));
      continue;
    }
    std::string text = kv.value().is_string() ? std::string(kv.value().get_string())
                                              : json::serialize(kv.value());
    auto q = validation::ParseQuantity(text);
    if (!q) {
      out.push_back(InvalidCause(field, kv.value(), "must be a valid quantity"));
    } else if (q->value < 0) {
      out.push_back(InvalidCause(field, json::value(text), "must be greater than or equal to 0"));
    }
  }
}

std::vector<Cause> ValidateQuota(const json::object& rq, const json::object*) {
  std::vector<Cause> out;
  const json::object* spec = ObjectAt(rq, "spec");
  const json::object empty;
  if (!spec) spec = &empty;
  ValidateResourceList(out, spec->if_contains("hard"), "spec.hard");
  if (const json::object* st = ObjectAt(rq, "status")) {
    ValidateResourceList(out, st->if_contains("hard"), "status.hard");
    ValidateResourceList(out, st->if_contains("used"), "status.used");
  }
  std::set<std::string> scopes;
  if (const json::array* sc = ArrayAt(*spec, "scopes")) {
    for (const auto& s : *sc) {
      if (s.is_string()) scopes.insert(std::string(s.get_string()));
    }
  }
  if (const json::object* sel = ObjectAt(*spec, "scopeSelector")) {
    const json::array* exprs = ArrayAt(*sel, "matchExpressions");
    for (size_t i = 0; exprs && i < exprs->size(); ++i) {
      if (!(*exprs)[i].is_object()) continue;
      const json::object& e = (*exprs)[i].get_object();
      std::string path = "spec.scopeSelector.matchExpressions[" + std::to_string(i) + "]";
      std::string scope = StringAt(e, "scopeName");
      std::string op = StringAt(e, "operator");
      const json::array* values = ArrayAt(e, "values");
      bool has_values = values && !values->empty();
      if ((op == "In" || op == "NotIn") && !has_values) {
        out.push_back(RequiredCause(path + ".values",
                                    "must be at least one value when `operator` is 'In' or "
                                    "'NotIn' for scope selector"));
      }
      if ((op == "Exists" || op == "DoesNotExist") && has_values) {
        out.push_back(InvalidCause(path + ".values", e.at("values"),
                                   "must be no value when `operator` is 'Exist' or "
                                   "'DoesNotExist' for scope selector"));
      }
      if (scope != "PriorityClass" && (op == "In" || op == "NotIn")) {
        out.push_back(InvalidCause(path + ".operator", json::value(op),
                                   "must be 'Exist' when scope is any of ResourceQuotaScopeTerminating, "
                                   "ResourceQuotaScopeNotTerminating, ResourceQuotaScopeBestEffort, "
                                   "ResourceQuotaScopeNotBestEffort or "
                                   "ResourceQuotaScopeCrossNamespacePodAffinity"));
      }
      if (!scope.empty()) scopes.insert(scope);
    }
  }
  if ((scopes.count("Terminating") && scopes.count("NotTerminating")) ||
      (scopes.count("BestEffort") && scopes.count("NotBestEffort"))) {
    json::array v;
    for (const auto& s : scopes) v.emplace_back(s);
    out.push_back(InvalidCause("spec.scopes", v, "conflicting scopes"));
  }
  if (const json::value* hard = spec->if_contains("hard"); hard && hard->is_object()) {
    for (const auto& scope : scopes) {
      for (const auto& kv : hard->get_object()) {
        if (!ScopeAllowsResource(scope, std::string(kv.key()))) {
          json::array v;
          for (const auto& s : scopes) v.emplace_back(s);
          out.push_back(InvalidCause("spec.scopes", v, "unsupported scope applied to resource"));
          return out;
        }
      }
    }
  }
  return out;
}

// kubectl's REQUEST / LIMIT cells: "pods: 1/5, requests.cpu: 0/1".
std::string UsageCell(const json::object& rq, bool limits) {
  const json::value* hard = GetPath(rq, {"status", "hard"});
  const json::value* used = GetPath(rq, {"status", "used"});
  if (!hard || !hard->is_object()) return "";
  std::map<std::string, std::string> sorted;
  for (const auto& kv : hard->get_object()) {
    std::string k(kv.key());
    if ((k.rfind("limits.", 0) == 0) != limits) continue;
    std::string u = "0";
    if (used && used->is_object()) {
      if (const json::value* v = used->get_object().if_contains(kv.key()); v && v->is_string()) {
        u = std::string(v->get_string());
      }
    }
    std::string h = kv.value().is_string() ? std::string(kv.value().get_string())
                                           : json::serialize(kv.value());
    sorted[k] = u + "/" + h;
  }
  std::string out;
  for (const auto& [k, v] : sorted) {
    if (!out.empty()) out += ", ";
    out += k + ": " + v;
  }
  return out;
}

}  // namespace

ResourceType ResourceQuotaType() {
  ResourceType t;
  t.version = "v1";
  t.kind = "ResourceQuota";
  t.plural = "resourcequotas";
  t.singular = "resourcequota";
  t.short_names = {"quota"};
  t.has_status = true;
  t.generation_tracks_spec = false;
  t.schema = QuotaSchema();
  t.validate_fn = ValidateQuota;
  t.columns = {NameColumn(), AgeColumn(),
               {"Request", "string", "", "Used and hard amounts of the non-limit resources.", 0},
               {"Limit", "string", "", "Used and hard amounts of the limits.* resources.", 0}};
  t.row_fn = [](const json::object& rq, const HookContext& ctx) {
    return json::array{json::value(StringAtPath(rq, {"metadata", "name"})),
                       json::value(AgeCell(rq, ctx)), json::value(UsageCell(rq, false)),
                       json::value(UsageCell(rq, true))};
  };
  return t;
}

}  // namespace berth::api::core
