// autoscaling/v2 HorizontalPodAutoscaler: schema, defaulting, validation and
// Table printing (TARGETS formatted like kubectl's formatHPAMetrics).
#include <map>

#include "api/kinds/apps/field_errors.h"
#include "api/kinds/apps/object_access.h"
#include "api/kinds/kinds.h"

namespace berth::api {

namespace {

using namespace workload;  // NOLINT(google-build-using-namespace)

constexpr const char* kV2 = "io.k8s.api.autoscaling.v2.";

SchemaPtr HpaSchema() {
  const std::string p = kV2;
  auto ref = Object(p + "CrossVersionObjectReference",
                    "Identifies an object by kind, name and API version.",
                    {
                        Req("kind", String(), "Kind of the referenced object.", 1),
                        Req("name", String(), "Name of the referenced object.", 2),
                        F("apiVersion", String(), "API version of the referenced object.", 3),
                    });
  auto target = Object(
      p + "MetricTarget", "The value a metric should be kept at; set the field matching type.",
      {
          Req("type", Enum({"Utilization", "Value", "AverageValue"}),
              "Whether the target is an average utilization, a raw value or an average value.",
              1),
          F("value", Quantity(), "Target value of the metric.", 2),
          F("averageValue", Quantity(), "Target of the metric averaged over the pods.", 3),
          F("averageUtilization", Int32(),
            "Target average utilization, in percent of the pods' resource requests (Resource "
            "metrics only).",
            4),
      });
  auto value_status = Object(
      p + "MetricValueStatus", "The current value of a metric.",
      {
          F("value", Quantity(), "Current value.", 1),
          F("averageValue", Quantity(), "Current value averaged over the pods.", 2),
          F("averageUtilization", Int32(),
            "Current average utilization, in percent of the pods' requests.", 3),
      });
  auto identifier = Object(p + "MetricIdentifier", "Names a metric and optionally narrows it.",
                           {
                               Req("name", String(), "The metric's name.", 1),
                               F("selector", LabelSelectorSchema(),
                                 "Extra label query passed to the metrics server.", 2),
                           });
  auto object_src = Object(p + "ObjectMetricSource",
                           "Scale on a metric describing one Kubernetes object.",
                           {
                               Req("describedObject", ref, "The object the metric describes.", 1),
                               Req("target", target, "Target value.", 2),
                               Req("metric", identifier, "The metric.", 3),
                           });
  auto pods_src = Object(p + "PodsMetricSource",
                         "Scale on a per-pod metric averaged over the target's pods.",
                         {
                             Req("metric", identifier, "The metric.", 1),
                             Req("target", target, "Target value.", 2),
                         });
  auto resource_src = Object(p + "ResourceMetricSource",
                             "Scale on a resource (cpu, memory) of the target's pods.",
                             {
                                 Req("name", String(), "The resource name.", 1),
                                 Req("target", target, "Target value.", 2),
                             });
  auto container_src = Object(p + "ContainerResourceMetricSource",
                              "Scale on a resource of one container in each pod.",
                              {
                                  Req("name", String(), "The resource name.", 1),
                                  Req("target", target, "Target value.", 2),
                                  Req("container", String(), "The container's name.", 3),
                              });
  auto external_src = Object(p + "ExternalMetricSource",
                             "Scale on a metric from outside the cluster.",
                             {
                                 Req("metric", identifier, "The metric.", 1),
                                 Req("target", target, "Target value.", 2),
                             });
  auto metric_types = std::vector<std::string>{"ContainerResource", "External", "Object", "Pods",
                                               "Resource"};
  auto metric_spec = Object(
      p + "MetricSpec", "One metric to scale on; set type and the matching source field.",
      {
          Req("type", Enum(metric_types), "Which source field below is used.", 1),
          F("object", object_src, "A metric of a single object.", 2),
          F("pods", pods_src, "A per-pod metric.", 3),
          F("resource", resource_src, "A resource metric of the pods.", 4),
          F("containerResource", container_src, "A resource metric of one container.", 7),
          F("external", external_src, "A metric from outside the cluster.", 5),
      });
  auto metric_status = Object(
      p + "MetricStatus", "The last observed value of one metric.",
      {
          Req("type", Enum(metric_types), "Which source field below is set.", 1),
          F("object", Object(p + "ObjectMetricStatus", "Current value of an object metric.",
                             {Req("metric", identifier, "The metric.", 1),
                              Req("current", value_status, "Current value.", 2),
                              Req("describedObject", ref, "The described object.", 3)}),
            "An object metric.", 2),
          F("pods", Object(p + "PodsMetricStatus", "Current value of a per-pod metric.",
                           {Req("metric", identifier, "The metric.", 1),
                            Req("current", value_status, "Current value.", 2)}),
            "A per-pod metric.", 3),
          F("resource", Object(p + "ResourceMetricStatus", "Current value of a resource metric.",
                               {Req("name", String(), "The resource name.", 1),
                                Req("current", value_status, "Current value.", 2)}),
            "A resource metric.", 4),
          F("containerResource",
            Object(p + "ContainerResourceMetricStatus", "Current value of a container metric.",
                   {Req("name", String(), "The resource name.", 1),
                    Req("current", value_status, "Current value.", 2),
                    Req("container", String(), "The container's name.", 3)}),
            "A container resource metric.", 7),
          F("external", Object(p + "ExternalMetricStatus", "Current value of an external metric.",
                               {Req("metric", identifier, "The metric.", 1),
                                Req("current", value_status, "Current value.", 2)}),
            "An external metric.", 5),
      });
  auto policy = Object(p + "HPAScalingPolicy", "A limit on change over a time window.",
                       {
                           Req("type", Enum({"Pods", "Percent"}),
                               "Whether value counts pods or a percentage of current pods.", 1),
                           Req("value", Int32(), "The allowed change; greater than zero.", 2),
                           Req("periodSeconds", Int32(),
                               "The window the limit applies to, 1 to 1800 seconds.", 3),
                       });
  auto rules = Object(
      p + "HPAScalingRules", "Scaling limits for one direction.",
      {
          F("stabilizationWindowSeconds", Int32(),
            "Seconds of past recommendations considered before scaling (0 to 3600). Defaults "
            "to 0 for scale-up and 300 for scale-down.",
            3),
          F("selectPolicy", Enum({"Max", "Min", "Disabled"}),
            "Which policy wins when several apply; Disabled turns scaling in this direction "
            "off. Defaults to Max.",
            1),
          F("policies", ListOf(policy), "Candidate limits on the rate of change.", 2),
      });
  auto behavior = Object(p + "HorizontalPodAutoscalerBehavior",
                         "Scaling limits for both directions.",
                         {
                             F("scaleUp", rules, "Limits when adding pods.", 1),
                             F("scaleDown", rules, "Limits when removing pods.", 2),
                         });
  auto condition = Object(
      p + "HorizontalPodAutoscalerCondition", "One observed aspect of the autoscaler's state.",
      {
          Req("type", String(), "Condition kind: AbleToScale, ScalingActive, ScalingLimited.",
              1),
          Req("status", String(), "Whether the condition holds: True, False or Unknown.", 2),
          F("lastTransitionTime", Time(), "When the status last changed value.", 3),
          F("reason", String(), "A one-word CamelCase cause of the latest transition.", 4),
          F("message", String(), "A readable explanation of the latest transition.", 5),
      });
  auto spec = Object(
      p + "HorizontalPodAutoscalerSpec", "What to scale and on which metrics.",
      {
          Req("scaleTargetRef", ref,
              "The object to scale (anything with a scale subresource); its pods provide the "
              "metrics.",
              1),
          F("minReplicas", Int32(), "The fewest replicas to scale down to. Defaults to 1.", 2),
          Req("maxReplicas", Int32(),
              "The most replicas to scale up to; not less than minReplicas.", 3),
          F("metrics", ListOf(metric_spec),
            "Metrics whose targets decide the replica count (the largest result wins). "
            "Defaults to 80% average CPU utilization.",
            4),
          F("behavior", behavior, "Limits on how fast to scale up and down.", 5),
      });
  auto status = Object(
      p + "HorizontalPodAutoscalerStatus", "The autoscaler's last observations.",
      {
          F("observedGeneration", Int64(), "The generation last acted on.", 1),
          F("lastScaleTime", Time(), "When the autoscaler last changed the replica count.", 2),
          F("currentReplicas", Int32(), "Replicas last seen on the target.", 3),
          Req("desiredReplicas", Int32(), "Replicas last computed as desired.", 4),
          F("currentMetrics", ListOf(metric_status), "Last read values of the metrics.", 5),
          F("conditions", ListMap(condition, {"type"}),
            "Whether the autoscaler is able to scale, one entry per condition type.", 6),
      });
  return KindSchema(p + "HorizontalPodAutoscaler",
                    "HorizontalPodAutoscaler adjusts the replica count of a scalable object to "
                    "keep metrics near their targets.",
                    {
                        F("spec", spec, "What to scale and how.", 2),
                        F("status", status, "What the autoscaler last observed.", 3),
                    });
}

json::object Policy(const char* type, int value, int period) {
  return json::object{{"type", type}, {"value", value}, {"periodSeconds", period}};
}

void DefaultHpa(json::object& obj) {
  json::object& spec = EnsureObj(obj, "spec");
  SetDefault(spec, "minReplicas", 1);
  const json::array* metrics = ArrAt(spec, "metrics");
  if (metrics == nullptr || metrics->empty()) {
    spec["metrics"] = json::array{json::object{
        {"type", "Resource"},
        {"resource",
         json::object{{"name", "cpu"},
                      {"target", json::object{{"type", "Utilization"},
                                              {"averageUtilization", 80}}}}}}};
  }
  if (json::object* behavior = MutObjAt(spec, "behavior")) {
    json::object& up = EnsureObj(*behavior, "scaleUp");
    SetDefault(up, "stabilizationWindowSeconds", 0);
    SetDefault(up, "selectPolicy", "Max");
    SetDefault(up, "policies", json::array{Policy("Pods", 4, 15), Policy("Percent", 100, 15)});
    json::object& down = EnsureObj(*behavior, "scaleDown");
    SetDefault(down, "stabilizationWindowSeconds", 300);
    SetDefault(down, "selectPolicy", "Max");
    SetDefault(down, "policies", json::array{Policy("Percent", 100, 15)});
  }
}

std::vector<Cause> ValidateHpa(const json::object& obj, const json::object* old) {
  std::vector<Cause> out;
  const json::object empty;
  const json::object* spec_ptr = ObjAt(obj, "spec");
  const json::object& spec = spec_ptr != nullptr ? *spec_ptr : empty;
  const json::object* ref = ObjAt(spec, "scaleTargetRef");
  if (ref == nullptr || StrAt(*ref, "kind").empty()) {
    out.push_back(RequiredCause("spec.scaleTargetRef.kind"));
  }
  if (ref == nullptr || StrAt(*ref, "name").empty()) {
    out.push_back(RequiredCause("spec.scaleTargetRef.name"));
  }
  std::optional<int64_t> min = IntAt(spec, "minReplicas");
  int64_t max = IntAt(spec, "maxReplicas").value_or(0);
  if (min && *min < 1) {
    out.push_back(InvalidCause("spec.minReplicas", std::to_string(*min),
                               "must be greater than or equal to 1"));
  }
  if (max < 1) {
    out.push_back(InvalidCause("spec.maxReplicas", std::to_string(max), "must be greater than 0"));
  }
  if (min && max < *min) {
    out.push_back(InvalidCause("spec.maxReplicas", std::to_string(max),
                               "must be greater than or equal to `minReplicas`"));
  }
  if (const json::array* metrics = ArrAt(spec, "metrics")) {
    static const std::map<std::string, std::string> kSourceField = {
        {"Object", "object"},     {"Pods", "pods"},         {"Resource", "resource"},
        {"External", "external"}, {"ContainerResource", "containerResource"}};
    for (size_t i = 0; i < metrics->size(); ++i) {
      const std::string base = "spec.metrics[" + std::to_string(i) + "]";
      if (!(*metrics)[i].is_object()) continue;
      const json::object& m = (*metrics)[i].get_object();
      const std::string type = StrAt(m, "type");
      auto it = kSourceField.find(type);
      if (type.empty()) {
        out.push_back(RequiredCause(base + ".type", "must specify a metric source type"));
      } else if (it == kSourceField.end()) {
        out.push_back(NotSupportedCause(base + ".type", type,
                                        {"ContainerResource", "External", "Object", "Pods",
                                         "Resource"}));
      } else if (!Has(m, it->second)) {
        out.push_back(RequiredCause(base + "." + it->second,
                                    "must populate information for the given metric source"));
      }
    }
  }
  (void)old;
  return out;
}

// The value of a quantity field as kubectl prints it.
std::string QuantityText(const json::object* o, std::string_view key) {
  if (o == nullptr) return "<unknown>";
  const json::value* v = o->if_contains(key);
  if (v == nullptr || v->is_null()) return "<unknown>";
  if (v->is_string()) return std::string(v->get_string());
  return GoValue(*v);
}

const json::object* Nested(const json::object* o, std::string_view a, std::string_view b) {
  const json::object* x = o != nullptr ? ObjAt(*o, a) : nullptr;
  return x != nullptr ? ObjAt(*x, b) : nullptr;
}

std::string TargetsCell(const json::object* spec, const json::object* status) {
  const json::array* specs = spec != nullptr ? ArrAt(*spec, "metrics") : nullptr;
  if (specs == nullptr || specs->empty()) return "<none>";
  const json::array* statuses = status != nullptr ? ArrAt(*status, "currentMetrics") : nullptr;
  std::vector<std::string> list;
  for (size_t i = 0; i < specs->size(); ++i) {
    const json::object empty;
    const json::object& m = (*specs)[i].is_object() ? (*specs)[i].get_object() : empty;
    const json::object* st = statuses != nullptr && i < statuses->size() &&
                                     (*statuses)[i].is_object()
                                 ? &(*statuses)[i].get_object()
                                 : nullptr;
    const std::string type = StrAt(m, "type");
    auto field_of = [&](const char* name) { return std::string(name); };
    std::string source = type == "External"            ? field_of("external")
                         : type == "Pods"              ? field_of("pods")
                         : type == "Object"            ? field_of("object")
                         : type == "Resource"          ? field_of("resource")
                         : type == "ContainerResource" ? field_of("containerResource")
                                                       : "";
    if (source.empty()) {
      list.push_back("<unknown type>");
      continue;
    }
    const json::object* target = Nested(&m, source, "target");
    const json::object* current = Nested(st, source, "current");
    const bool has_status = st != nullptr && ObjAt(*st, source) != nullptr;
    if (type == "Pods") {
      list.push_back((has_status ? QuantityText(current, "averageValue") : "<unknown>") + "/" +
                     QuantityText(target, "averageValue"));
    } else if (type == "External" || type == "Object") {
      if (target != nullptr && Has(*target, "averageValue")) {
        list.push_back((has_status ? QuantityText(current, "averageValue") : "<unknown>") + "/" +
                       QuantityText(target, "averageValue") + " (avg)");
      } else {
        list.push_back((has_status ? QuantityText(current, "value") : "<unknown>") + "/" +
                       QuantityText(target, "value"));
      }
    } else {
      const json::object* src = ObjAt(m, source);
      const std::string name = src != nullptr ? StrAt(*src, "name") : "";
      if (target != nullptr && Has(*target, "averageValue")) {
        list.push_back(name + ": " +
                       (has_status ? QuantityText(current, "averageValue") : "<unknown>") + "/" +
                       QuantityText(target, "averageValue"));
      } else {
        std::string cur = "<unknown>";
        if (current != nullptr && IntAt(*current, "averageUtilization")) {
          cur = std::to_string(*IntAt(*current, "averageUtilization")) + "%";
        }
        std::string tgt = "<auto>";
        if (target != nullptr && IntAt(*target, "averageUtilization")) {
          tgt = std::to_string(*IntAt(*target, "averageUtilization")) + "%";
        }
        list.push_back(name + ": " + cur + "/" + tgt);
      }
    }
  }
  const size_t max = 2;
  std::string out;
  for (size_t i = 0; i < list.size() && i < max; ++i) out += (i > 0 ? ", " : "") + list[i];
  if (list.size() > max) out += " + " + std::to_string(list.size() - max) + " more...";
  return out;
}

json::array HpaRow(const json::object& obj, const HookContext& ctx) {
  const json::object* spec = ObjAt(obj, "spec");
  const json::object* status = ObjAt(obj, "status");
  const json::object* ref = spec != nullptr ? ObjAt(*spec, "scaleTargetRef") : nullptr;
  std::string min_pods = "<unset>";
  if (spec != nullptr && IntAt(*spec, "minReplicas")) {
    min_pods = std::to_string(*IntAt(*spec, "minReplicas"));
  }
  json::array row;
  row.emplace_back(ObjectName(obj));
  row.emplace_back((ref != nullptr ? StrAt(*ref, "kind") : "") + "/" +
                   (ref != nullptr ? StrAt(*ref, "name") : ""));
  row.emplace_back(TargetsCell(spec, status));
  row.emplace_back(min_pods);
  row.emplace_back(IntOr0(spec, "maxReplicas"));
  row.emplace_back(IntOr0(status, "currentReplicas"));
  row.emplace_back(AgeCell(obj, ctx));
  return row;
}

}  // namespace

void RegisterAutoscalingKinds(Registry& r) {
  ResourceType t;
  t.group = "autoscaling";
  t.version = "v2";
  t.kind = "HorizontalPodAutoscaler";
  t.plural = "horizontalpodautoscalers";
  t.singular = "horizontalpodautoscaler";
  t.short_names = {"hpa"};
  t.categories = {"all"};
  t.has_status = true;
  t.schema = HpaSchema();
  t.default_fn = DefaultHpa;
  t.validate_fn = ValidateHpa;
  t.columns = {
      NameColumn(),
      {"Reference", "string", "", "The object whose replica count is managed.", 0},
      {"Targets", "string", "", "Current and target values of the metrics.", 0},
      {"MinPods", "string", "", "The lower replica limit.", 0},
      {"MaxPods", "string", "", "The upper replica limit.", 0},
      {"Replicas", "string", "", "Replicas last seen on the target.", 0},
      AgeColumn(),
  };
  t.row_fn = HpaRow;
  r.Add(std::move(t));
}

}  // namespace berth::api
