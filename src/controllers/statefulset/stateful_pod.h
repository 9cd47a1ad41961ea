// Identity of StatefulSet pods (kube's stateful_set_utils): pod "<set>-<ordinal>", labels
// statefulset.kubernetes.io/pod-name, apps.kubernetes.io/pod-index and controller-revision-hash
// (the revision's name), hostname = pod name, subdomain = spec.serviceName; and the health
// predicates the ordered policies use. Pure functions, thread-safe.
#pragma once

#include <optional>
#include <string>

#include "common/clock.h"
#include "common/json.h"

namespace berth::controllers::stateful {

inline constexpr const char* kPodNameLabel = "statefulset.kubernetes.io/pod-name";
inline constexpr const char* kPodIndexLabel = "apps.kubernetes.io/pod-index";

// The ordinal of `pod_name` when it is "<set_name>-<non-negative integer>".
std::optional<int64_t> OrdinalOf(const std::string& set_name, const std::string& pod_name);
// The pod of `ordinal` built from `pod_template` ({metadata, spec}) and `revision_name`.
json::object NewStatefulPod(const json::object& set, const json::object& pod_template,
                            int64_t ordinal, const std::string& revision_name);
// The revision name a pod was created from (its controller-revision-hash label).
std::string PodRevision(const json::object& pod);
bool IsCreated(const json::object& pod);  // has a phase or a uid (exists on the server)
bool IsFailedOrSucceeded(const json::object& pod);
bool IsTerminating(const json::object& pod);
// Phase Running and the Ready condition True.
bool IsRunningAndReady(const json::object& pod);
// Running, Ready, and ready for at least `min_ready_seconds`.
bool IsRunningAndAvailable(const json::object& pod, int min_ready_seconds, Clock::time_point now);
// Running and ready, and not terminating.
bool IsHealthy(const json::object& pod);

}  // namespace berth::controllers::stateful
