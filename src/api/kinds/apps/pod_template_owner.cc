#include "api/kinds/apps/pod_template_owner.h"

#include "api/kinds/apps/field_errors.h"
#include "api/kinds/apps/label_selector_text.h"
#include "api/kinds/apps/object_access.h"
#include "api/kinds/kinds.h"

namespace berth::api::workload {

void DefaultPodTemplate(json::object& spec) {
  json::object* tmpl = MutObjAt(spec, "template");
  if (tmpl == nullptr) return;
  DefaultPodSpec(EnsureObj(*tmpl, "spec"));
}

void ValidateSelectorAndTemplate(const json::object& spec, const std::string& spec_path,
                                 const TemplateRules& rules, bool require_selector,
                                 std::vector<Cause>& out) {
  const std::string sel_path = spec_path + ".selector";
  const json::value* selector = nullptr;
  if (auto it = spec.find("selector"); it != spec.end() && !it->value().is_null()) {
    selector = &it->value();
  }
  bool selector_usable = false;
  if (selector == nullptr) {
    if (require_selector) out.push_back(RequiredCause(sel_path));
  } else {
    size_t before = out.size();
    std::vector<Cause> sel_causes = ValidateLabelSelector(selector, sel_path, false);
    out.insert(out.end(), sel_causes.begin(), sel_causes.end());
    if (rules.forbid_empty_selector && SelectorIsEmpty(selector)) {
      out.push_back(InvalidCause(sel_path, GoLabelSelector(selector),
                                 "empty selector is invalid for " + rules.selector_kind));
    }
    selector_usable = out.size() == before;
  }

  const std::string tmpl_path = spec_path + ".template";
  const json::object* tmpl = ObjAt(spec, "template");
  if (tmpl == nullptr) {
    out.push_back(RequiredCause(tmpl_path));
    return;
  }
  if (selector_usable && !SelectorIsEmpty(selector)) {
    const json::value* labels = nullptr;
    if (const json::object* meta = ObjAt(*tmpl, "metadata")) {
      if (auto it = meta->find("labels"); it != meta->end()) labels = &it->value();
    }
    if (!SelectorMatches(selector, labels)) {
      out.push_back(InvalidCause(tmpl_path + ".metadata.labels", GoStringMap(labels),
                                 "`selector` does not match template `labels`"));
    }
  }

  const json::object empty;
  const json::object* pod_spec = ObjAt(*tmpl, "spec");
  std::vector<Cause> pod_causes =
      ValidatePodSpec(pod_spec != nullptr ? *pod_spec : empty, tmpl_path + ".spec");
  out.insert(out.end(), pod_causes.begin(), pod_causes.end());
  if (pod_spec == nullptr) return;

  std::string restart = StrAt(*pod_spec, "restartPolicy");
  bool allowed = false;
  for (const std::string& p : rules.restart_policies) allowed = allowed || p == restart;
  if (!allowed) {
    const std::string path = tmpl_path + ".spec.restartPolicy";
    if (restart.empty()) {
      std::string detail = "supported values: ";
      for (size_t i = 0; i < rules.restart_policies.size(); ++i) {
        if (i > 0) detail += ", ";
        detail += GoQuote(rules.restart_policies[i]);
      }
      out.push_back(RequiredCause(path, detail));
    } else {
      out.push_back(NotSupportedCause(path, restart, rules.restart_policies));
    }
  }
  if (!rules.deadline_kind.empty()) {
    if (auto it = pod_spec->find("activeDeadlineSeconds");
        it != pod_spec->end() && !it->value().is_null()) {
      out.push_back(InvalidCause(tmpl_path + ".spec.activeDeadlineSeconds", GoValue(it->value()),
                                 "activeDeadlineSeconds in " + rules.deadline_kind +
                                     " is not Supported"));
    }
  }
}

void CheckSelectorImmutable(const json::object& obj, const json::object& old,
                            std::vector<Cause>& out) {
  const json::value null_value;
  auto selector_of = [&](const json::object& o) -> const json::value& {
    const json::object* spec = ObjAt(o, "spec");
    const json::value* sel = spec != nullptr ? spec->if_contains("selector") : nullptr;
    return sel != nullptr ? *sel : null_value;
  };
  const json::value& now = selector_of(obj);
  if (now != selector_of(old)) {
    out.push_back(InvalidCause("spec.selector", GoLabelSelector(&now), kImmutableMsg));
  }
}

std::pair<std::string, std::string> ContainerCells(const json::object* pod_template) {
  std::string names;
  std::string images;
  if (pod_template == nullptr) return {names, images};
  const json::object* spec = ObjAt(*pod_template, "spec");
  const json::array* containers = spec != nullptr ? ArrAt(*spec, "containers") : nullptr;
  if (containers == nullptr) return {names, images};
  bool first = true;
  for (const json::value& c : *containers) {
    if (!c.is_object()) continue;
    if (!first) {
      names += ",";
      images += ",";
    }
    first = false;
    names += StrAt(c.get_object(), "name");
    images += StrAt(c.get_object(), "image");
  }
  return {names, images};
}

}  // namespace berth::api::workload
