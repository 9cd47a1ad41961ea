#include "controllers/statefulset/stateful_pod.h"

#include "controllers/common/controller_revision.h"
#include "controllers/common/owner_refs.h"
#include "controllers/common/pod_state.h"

namespace berth::controllers::stateful {

std::optional<int64_t> OrdinalOf(const std::string& set_name, const std::string& pod_name) {
  if (pod_name.size() <= set_name.size() + 1 || pod_name.compare(0, set_name.size(), set_name) ||
      pod_name[set_name.size()] != '-') {
    return std::nullopt;
  }
  std::string digits = pod_name.substr(set_name.size() + 1);
  if (digits.size() > 9 || (digits.size() > 1 && digits[0] == '0')) return std::nullopt;
  int64_t v = 0;
  for (char c : digits) {
    if (c < '0' || c > '9') return std::nullopt;
    v = v * 10 + (c - '0');
  }
  return v;
}

json::object NewStatefulPod(const json::object& set, const json::object& pod_template,
                            int64_t ordinal, const std::string& revision_name) {
  std::string name = GetString(set, {"metadata", "name"}) + "-" + std::to_string(ordinal);
  json::object pod = PodFromTemplate(pod_template, set, "", name);
  json::object& md = pod["metadata"].as_object();
  json::value& labels = md["labels"];
  if (!labels.is_object()) labels = json::object{};
  labels.as_object()[kPodNameLabel] = name;
  labels.as_object()[kPodIndexLabel] = std::to_string(ordinal);
  labels.as_object()[kControllerRevisionHashLabel] = revision_name;
  json::value& spec = pod["spec"];
  if (!spec.is_object()) spec = json::object{};
  spec.as_object()["hostname"] = name;
  std::string service = GetString(set, {"spec", "serviceName"});
  if (!service.empty()) spec.as_object()["subdomain"] = service;
  return pod;
}

std::string PodRevision(const json::object& pod) {
  return GetString(pod, {"metadata", "labels", kControllerRevisionHashLabel});
}

bool IsCreated(const json::object& pod) {
  return !GetString(pod, {"metadata", "uid"}).empty() ||
         !GetString(pod, {"status", "phase"}).empty();
}

bool IsFailedOrSucceeded(const json::object& pod) {
  std::string phase = GetString(pod, {"status", "phase"});
  return phase == "Failed" || phase == "Succeeded";
}

bool IsTerminating(const json::object& pod) { return IsBeingDeleted(pod); }

bool IsRunningAndReady(const json::object& pod) {
  return GetString(pod, {"status", "phase"}) == "Running" && IsPodReady(pod);
}

bool IsRunningAndAvailable(const json::object& pod, int min_ready_seconds, Clock::time_point now) {
  return GetString(pod, {"status", "phase"}) == "Running" &&
         IsPodAvailable(pod, min_ready_seconds, now);
}

bool IsHealthy(const json::object& pod) { return IsRunningAndReady(pod) && !IsTerminating(pod); }

}  // namespace berth::controllers::stateful
