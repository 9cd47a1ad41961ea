// core/v1 PodTemplate: a stored pod template (schema, template defaulting and validation, and
// kubectl's Table: template name, containers, images, pod labels).
#include "api/kinds/apps/object_access.h"
#include "api/kinds/apps/pod_template_owner.h"
#include "api/kinds/core/core_kinds.h"
#include "api/kinds/kinds.h"

namespace berth::api::core {

namespace {

std::vector<Cause> ValidatePodTemplate(const json::object& obj, const json::object* /*old*/) {
  const json::object* tmpl = workload::ObjAt(obj, "template");
  if (tmpl == nullptr) return {};
  const json::object empty;
  const json::object* spec = workload::ObjAt(*tmpl, "spec");
  return ValidatePodSpec(spec != nullptr ? *spec : empty, "template.spec");
}

json::array PodTemplateRow(const json::object& obj, const HookContext& /*ctx*/) {
  const json::object* tmpl = workload::ObjAt(obj, "template");
  auto [names, images] = workload::ContainerCells(tmpl);
  const json::object* meta = tmpl != nullptr ? workload::ObjAt(*tmpl, "metadata") : nullptr;
  return json::array{json::value(workload::ObjectName(obj)), json::value(names),
                     json::value(images),
                     json::value(FormatLabels(meta != nullptr ? workload::ObjAt(*meta, "labels")
                                                              : nullptr))};
}

}  // namespace

ResourceType PodTemplateType() {
  ResourceType t;
  t.version = "v1";
  t.kind = "PodTemplate";
  t.plural = "podtemplates";
  t.singular = "podtemplate";
  t.generation_tracks_spec = false;
  t.schema = KindSchema("io.k8s.api.core.v1.PodTemplate",
                        "A pod template stored on its own, for other objects to copy from.",
                        {F("template", PodTemplateSpecSchema(),
                           "The pods this template describes.", 2)});
  // The top-level object holds `template` the way a workload spec does.
  t.default_fn = [](json::object& obj) { workload::DefaultPodTemplate(obj); };
  t.validate_fn = ValidatePodTemplate;
  t.columns = {
      {"Template", "string", "name", "Name of the pod template.", 0},
      {"Containers", "string", "", "Names of each container in the template.", 0},
      {"Images", "string", "", "Images referenced by each container in the template.", 0},
      {"Pod Labels", "string", "", "The labels of the template's pods.", 0},
  };
  t.row_fn = PodTemplateRow;
  return t;
}

}  // namespace berth::api::core
