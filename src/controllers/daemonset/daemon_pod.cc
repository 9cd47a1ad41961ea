#include "controllers/daemonset/daemon_pod.h"

#include "controllers/common/controller_revision.h"
#include "controllers/common/pod_state.h"

namespace berth::controllers::daemon {

namespace {

void AddToleration(json::array& tolerations, const char* key, const char* effect) {
  for (const auto& t : tolerations) {
    if (!t.is_object()) continue;
    const json::object& o = t.as_object();
    if (GetString(o, {"key"}) == key && GetString(o, {"effect"}) == effect &&
        GetString(o, {"operator"}) == "Exists") {
      return;
    }
  }
  tolerations.push_back(json::object{{"key", key}, {"operator", "Exists"}, {"effect", effect}});
}

}  // namespace

void AddDaemonTolerations(json::object& pod_spec) {
  json::value& v = pod_spec["tolerations"];
  if (!v.is_array()) v = json::array{};
  json::array& t = v.as_array();
  AddToleration(t, "node.kubernetes.io/not-ready", "NoExecute");
  AddToleration(t, "node.kubernetes.io/unreachable", "NoExecute");
  AddToleration(t, "node.kubernetes.io/disk-pressure", "NoSchedule");
  AddToleration(t, "node.kubernetes.io/memory-pressure", "NoSchedule");
  AddToleration(t, "node.kubernetes.io/pid-pressure", "NoSchedule");
  AddToleration(t, "node.kubernetes.io/unschedulable", "NoSchedule");
  const json::value* host_net = pod_spec.if_contains("hostNetwork");
  if (host_net && host_net->is_bool() && host_net->as_bool()) {
    AddToleration(t, "node.kubernetes.io/network-unavailable", "NoSchedule");
  }
}

void PinToNode(json::object& pod_spec, const std::string& node) {
  json::object term{{"matchFields", json::array{json::object{{"key", "metadata.name"},
                                                             {"operator", "In"},
                                                             {"values", json::array{node}}}}}};
  json::value& affinity = pod_spec["affinity"];
  if (!affinity.is_object()) affinity = json::object{};
  json::value& na = affinity.as_object()["nodeAffinity"];
  if (!na.is_object()) na = json::object{};
  na.as_object()["requiredDuringSchedulingIgnoredDuringExecution"] =
      json::object{{"nodeSelectorTerms", json::array{std::move(term)}}};
}

std::string TargetNodeOf(const json::object& pod) {
  std::string bound = GetString(pod, {"spec", "nodeName"});
  if (!bound.empty()) return bound;
  const json::value* terms =
      GetPath(pod, {"spec", "affinity", "nodeAffinity",
                    "requiredDuringSchedulingIgnoredDuringExecution", "nodeSelectorTerms"});
  if (!terms || !terms->is_array()) return "";
  for (const auto& t : terms->as_array()) {
    const json::value* fields = t.is_object() ? t.as_object().if_contains("matchFields") : nullptr;
    if (!fields || !fields->is_array()) continue;
    for (const auto& f : fields->as_array()) {
      if (!f.is_object()) continue;
      const json::object& req = f.as_object();
      const json::value* values = req.if_contains("values");
      if (GetString(req, {"key"}) == "metadata.name" && GetString(req, {"operator"}) == "In" &&
          values && values->is_array() && values->as_array().size() == 1 &&
          values->as_array()[0].is_string()) {
        return std::string(values->as_array()[0].as_string());
      }
    }
  }
  return "";
}

json::object DaemonPodSpec(const json::object& template_spec) {
  json::object spec;
  if (const json::value* s = template_spec.if_contains("spec"); s && s->is_object()) {
    spec = s->as_object();
  }
  AddDaemonTolerations(spec);
  return spec;
}

json::object NewDaemonPod(const json::object& pod_template, const json::object& ds,
                          const std::string& node, const std::string& hash) {
  json::object pod = PodFromTemplate(pod_template, ds, GetString(ds, {"metadata", "name"}) + "-");
  json::object& md = pod["metadata"].as_object();
  json::value& labels = md["labels"];
  if (!labels.is_object()) labels = json::object{};
  labels.as_object()[kControllerRevisionHashLabel] = hash;
  json::object spec = DaemonPodSpec(pod_template);
  PinToNode(spec, node);
  pod["spec"] = std::move(spec);
  return pod;
}

}  // namespace berth::controllers::daemon
