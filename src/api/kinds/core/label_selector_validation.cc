// Validation of metav1.LabelSelector (apimachinery ValidateLabelSelector).
#include "api/kinds/core/field_errors.h"
#include "api/kinds/kinds.h"
#include "api/validation/names.h"

namespace berth::api {

using namespace core;  // NOLINT(build/namespaces)

std::vector<Cause> ValidateLabelSelector(const json::value* selector, const std::string& path,
                                         bool required) {
  std::vector<Cause> out;
  if (selector == nullptr || selector->is_null()) {
    if (required) out.push_back(RequiredCause(path));
    return out;
  }
  if (!selector->is_object()) {
    out.push_back(InvalidCause(path, *selector, "must be an object"));
    return out;
  }
  const json::object& sel = selector->get_object();
  const json::object* labels = ObjectAt(sel, "matchLabels");
  const json::array* exprs = ArrayAt(sel, "matchExpressions");
  bool empty = (labels == nullptr || labels->empty()) && (exprs == nullptr || exprs->empty());
  if (required && empty) {
    Cause c;
    c.type = "FieldValueInvalid";
    c.field = path;
    c.message =
        "Invalid value: v1.LabelSelector{MatchLabels:map[string]string(nil), "
        "MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: empty selector is invalid";
    out.push_back(c);
    return out;
  }
  if (labels != nullptr) {
    const std::string lp = path + ".matchLabels";
    for (const auto& kv : *labels) {
      std::string key(kv.key());
      AppendInvalid(out, lp, json::value(key), validation::IsQualifiedName(key));
      if (!kv.value().is_string()) {
        out.push_back(InvalidCause(lp, kv.value(), "label values must be strings"));
        continue;
      }
      std::string val(kv.value().get_string());
      AppendInvalid(out, lp, json::value(val), validation::IsValidLabelValue(val));
    }
  }
  if (exprs != nullptr) {
    for (size_t i = 0; i < exprs->size(); ++i) {
      const std::string ep = path + ".matchExpressions[" + std::to_string(i) + "]";
      if (!(*exprs)[i].is_object()) {
        out.push_back(InvalidCause(ep, (*exprs)[i], "must be an object"));
        continue;
      }
      const json::object& e = (*exprs)[i].get_object();
      std::string op = StringAt(e, "operator");
      const json::array* values = ArrayAt(e, "values");
      size_t nvalues = values ? values->size() : 0;
      if (op == "In" || op == "NotIn") {
        if (nvalues == 0) {
          out.push_back(RequiredCause(ep + ".values",
                                      "must be specified when `operator` is 'In' or 'NotIn'"));
        }
      } else if (op == "Exists" || op == "DoesNotExist") {
        if (nvalues > 0) {
          out.push_back(ForbiddenCause(
              ep + ".values", "may not be specified when `operator` is 'Exists' or 'DoesNotExist'"));
        }
      } else {
        out.push_back(InvalidCause(ep + ".operator", json::value(op), "not a valid selector operator"));
      }
      std::string key = StringAt(e, "key");
      AppendInvalid(out, ep + ".key", json::value(key), validation::IsQualifiedName(key));
      if (values != nullptr) {
        for (size_t j = 0; j < values->size(); ++j) {
          if (!(*values)[j].is_string()) continue;
          std::string v((*values)[j].get_string());
          AppendInvalid(out, ep + ".values[" + std::to_string(j) + "]", json::value(v),
                        validation::IsValidLabelValue(v));
        }
      }
    }
  }
  return out;
}

}  // namespace berth::api
