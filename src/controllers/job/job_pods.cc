#include "controllers/job/job_pods.h"

#include <cstdlib>

#include "api/kinds/batch/job_spec.h"
#include "controllers/common/pod_state.h"

namespace berth::controllers {

namespace {

void AddEnv(json::value& containers) {
  if (!containers.is_array()) return;
  for (json::value& c : containers.as_array()) {
    if (!c.is_object()) continue;
    json::value& env = c.as_object()["env"];
    if (!env.is_array()) env = json::array();
    bool present = false;
    for (const json::value& e : env.as_array()) {
      if (e.is_object() && GetString(e.as_object(), {"name"}) == "JOB_COMPLETION_INDEX") {
        present = true;
      }
    }
    if (present) continue;
    // Kubernetes reads it from the annotation through the downward API.
    std::string path = std::string("metadata.annotations['") + kJobCompletionIndexKey + "']";
    env.as_array().push_back(json::object{
        {"name", "JOB_COMPLETION_INDEX"},
        {"valueFrom",
         json::object{{"fieldRef", json::object{{"apiVersion", "v1"}, {"fieldPath", path}}}}}});
  }
}

}  // namespace

json::object PodForJob(const json::object& job, int index) {
  const std::string name = GetString(job, {"metadata", "name"});
  const std::string uid = GetString(job, {"metadata", "uid"});
  json::object tmpl;
  if (const json::value* t = GetPath(job, {"spec", "template"}); t && t->is_object()) {
    tmpl = t->as_object();
  }
  std::string prefix = name + "-";
  if (index >= 0) prefix += std::to_string(index) + "-";
  json::object pod = PodFromTemplate(tmpl, job, prefix);
  json::object& md = pod["metadata"].as_object();
  json::value& labels_v = md["labels"];
  if (!labels_v.is_object()) labels_v = json::object();
  json::object& labels = labels_v.as_object();
  for (const char* k : {api::batch::kControllerUidLabel, api::batch::kLegacyControllerUidLabel}) {
    if (!labels.contains(k)) labels[k] = uid;
  }
  for (const char* k : {api::batch::kJobNameLabel, api::batch::kLegacyJobNameLabel}) {
    if (!labels.contains(k)) labels[k] = name;
  }
  md["finalizers"] = json::array{kJobTrackingFinalizer};
  if (index >= 0) {
    const std::string idx = std::to_string(index);
    json::value& ann = md["annotations"];
    if (!ann.is_object()) ann = json::object();
    ann.as_object()[kJobCompletionIndexKey] = idx;
    labels[kJobCompletionIndexKey] = idx;
    json::value& spec = pod["spec"];
    if (!spec.is_object()) spec = json::object();
    json::object& so = spec.as_object();
    if (json::value* c = so.if_contains("containers")) AddEnv(*c);
    if (json::value* c = so.if_contains("initContainers")) AddEnv(*c);
    if (!so.contains("hostname")) so["hostname"] = name + "-" + idx;
  }
  return pod;
}

int PodCompletionIndex(const json::object& pod) {
  std::string v = GetString(pod, {"metadata", "annotations", kJobCompletionIndexKey});
  if (v.empty()) v = GetString(pod, {"metadata", "labels", kJobCompletionIndexKey});
  if (v.empty() || v.size() > 9) return -1;
  for (char c : v) {
    if (c < '0' || c > '9') return -1;
  }
  if (v.size() > 1 && v[0] == '0') return -1;
  return std::atoi(v.c_str());
}

bool HasJobTrackingFinalizer(const json::object& pod) {
  const json::value* f = GetPath(pod, {"metadata", "finalizers"});
  if (f == nullptr || !f->is_array()) return false;
  for (const json::value& v : f->as_array()) {
    if (v.is_string() && v.as_string() == kJobTrackingFinalizer) return true;
  }
  return false;
}

json::array FinalizersWithoutJobTracking(const json::object& pod) {
  json::array out;
  const json::value* f = GetPath(pod, {"metadata", "finalizers"});
  if (f == nullptr || !f->is_array()) return out;
  for (const json::value& v : f->as_array()) {
    if (v.is_string() && v.as_string() == kJobTrackingFinalizer) continue;
    out.push_back(v);
  }
  return out;
}

std::string PodFinishedAt(const json::object& pod, const std::string& fallback) {
  std::string latest;
  const json::value* statuses = GetPath(pod, {"status", "containerStatuses"});
  if (statuses != nullptr && statuses->is_array()) {
    for (const json::value& s : statuses->as_array()) {
      if (!s.is_object()) continue;
      std::string at = GetString(s.as_object(), {"state", "terminated", "finishedAt"});
      Clock::time_point a;
      Clock::time_point b;
      if (!ParseRfc3339(at, &a)) continue;
      if (latest.empty() || (ParseRfc3339(latest, &b) && a > b)) latest = at;
    }
  }
  return latest.empty() ? fallback : latest;
}

}  // namespace berth::controllers
