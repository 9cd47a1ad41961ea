// Pod facts the controllers agree on (Kubernetes' podutil): ready, available, active, and the
// pod a controller creates from its template.
#pragma once

#include <string>

#include "common/clock.h"
#include "common/json.h"

namespace berth::controllers {

// Phase is neither Succeeded nor Failed and the pod is not being deleted.
bool IsPodActive(const json::object& pod);
// The Ready condition is True.
bool IsPodReady(const json::object& pod);
// Ready for at least `min_ready_seconds` (by the Ready condition's lastTransitionTime) at `now`.
bool IsPodAvailable(const json::object& pod, int min_ready_seconds, Clock::time_point now);
// When the pod became ready, if it is (false otherwise).
bool PodReadySince(const json::object& pod, Clock::time_point* since);

// A Pod built from a pod template (`template_spec` = {metadata, spec}) for `owner`:
// template labels and annotations, generateName "<prefix>" when `name` is empty, the owner's
// namespace and a controller reference to the owner.
json::object PodFromTemplate(const json::object& template_spec, const json::object& owner,
                             const std::string& generate_name_prefix,
                             const std::string& name = "");

// API paths. `plural_path` is "/api/v1" or "/apis/apps/v1".
std::string CollectionPath(const std::string& group_version_path, const std::string& ns,
                           const std::string& plural);
std::string ObjectPath(const std::string& group_version_path, const std::string& ns,
                       const std::string& plural, const std::string& name);
// The path of a pod object ("/api/v1/namespaces/ns/pods/name").
std::string PodPath(const json::object& pod);

}  // namespace berth::controllers
