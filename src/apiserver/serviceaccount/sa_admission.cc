#include "apiserver/serviceaccount/sa_admission.h"

#include <optional>

#include "apiserver/rest/object_codec.h"

namespace berth::apiserver::serviceaccount {
namespace {

constexpr int64_t kTokenExpirationSeconds = 3607;  // kube's marker for kubelet-mounted tokens

std::optional<bool> BoolAt(const json::object& obj, std::initializer_list<std::string_view> path) {
  const json::value* v = GetPath(obj, path);
  if (!v || !v->is_bool()) return std::nullopt;
  return v->as_bool();
}

bool HasMountAt(const json::object& container, const std::string& path) {
  const json::value* mounts = container.if_contains("volumeMounts");
  if (!mounts || !mounts->is_array()) return false;
  for (const auto& m : mounts->as_array()) {
    if (m.is_object() && GetString(m.as_object(), {"mountPath"}) == path) return true;
  }
  return false;
}

// Adds the mount to every container of `list` lacking one at the token path; true if any got it.
bool AddMounts(json::object& spec, const char* list, const std::string& volume) {
  json::value* cs = spec.if_contains(list);
  if (!cs || !cs->is_array()) return false;
  bool added = false;
  for (auto& c : cs->as_array()) {
    if (!c.is_object() || HasMountAt(c.as_object(), kTokenMountPath)) continue;
    json::value& mounts = c.as_object()["volumeMounts"];
    if (!mounts.is_array()) mounts = json::array();
    mounts.as_array().push_back(json::object{
        {"name", volume}, {"readOnly", true}, {"mountPath", kTokenMountPath}});
    added = true;
  }
  return added;
}

}  // namespace

json::object ApiAccessVolume(const std::string& name) {
  return json::object{
      {"name", name},
      {"projected",
       json::object{
           {"defaultMode", 420},
           {"sources",
            json::array{
                json::object{{"serviceAccountToken",
                              json::object{{"expirationSeconds", kTokenExpirationSeconds},
                                           {"path", "token"}}}},
                json::object{{"configMap",
                              json::object{{"name", kRootCaConfigMap},
                                           {"items", json::array{json::object{
                                                         {"key", "ca.crt"},
                                                         {"path", "ca.crt"}}}}}}},
                json::object{
                    {"downwardAPI",
                     json::object{{"items",
                                   json::array{json::object{
                                       {"path", "namespace"},
                                       {"fieldRef", json::object{{"apiVersion", "v1"},
                                                                 {"fieldPath",
                                                                  "metadata.namespace"}}}}}}}}},
            }}}}};
}

Status ServiceAccountAdmission::Mutate(const api::ResourceType& t, boost::json::object& pod) {
  if (!t.group.empty() || t.plural != "pods") return {};
  if (GetPath(pod, {"metadata", "annotations", "kubernetes.io/config.mirror"})) return {};
  json::value* sv = pod.if_contains("spec");
  if (!sv || !sv->is_object()) return {};
  json::object& spec = sv->as_object();
  std::string sa_name = GetString(spec, {"serviceAccountName"});
  if (sa_name.empty()) sa_name = GetString(spec, {"serviceAccount"});
  if (sa_name.empty()) sa_name = "default";
  spec["serviceAccountName"] = sa_name;
  spec["serviceAccount"] = sa_name;

  std::string ns = GetString(pod, {"metadata", "namespace"});
  json::object sa;
  auto got = objects_->Get("serviceaccounts", ns, sa_name);
  if (got.ok()) {
    sa = std::move(*got);
  } else if (got.status().reason() != Reason::kNotFound || sa_name != "default") {
    return admission::ForbiddenFor(t, GetString(pod, {"metadata", "name"}),
                                   "error looking up service account " + ns + "/" + sa_name +
                                       ": " + got.status().message());
  }

  // imagePullSecrets of the account, when the pod names none.
  const json::value* pod_secrets = spec.if_contains("imagePullSecrets");
  const json::value* sa_secrets = sa.if_contains("imagePullSecrets");
  if ((!pod_secrets || !pod_secrets->is_array() || pod_secrets->as_array().empty()) &&
      sa_secrets && sa_secrets->is_array() && !sa_secrets->as_array().empty()) {
    spec["imagePullSecrets"] = *sa_secrets;
  }

  std::optional<bool> automount = BoolAt(spec, {"automountServiceAccountToken"});
  if (!automount) automount = BoolAt(sa, {"automountServiceAccountToken"});
  if (automount.has_value() && !*automount) return {};

  std::string volume = std::string(kApiAccessVolumePrefix) + RandomNameSuffix();
  bool added = AddMounts(spec, "containers", volume);
  added = AddMounts(spec, "initContainers", volume) || added;
  if (!added) return {};
  json::value& vols = spec["volumes"];
  if (!vols.is_array()) vols = json::array();
  vols.as_array().push_back(ApiAccessVolume(volume));
  return {};
}

}  // namespace berth::apiserver::serviceaccount
