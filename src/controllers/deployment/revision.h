// Deployment revision bookkeeping on ReplicaSets (kube's deployment util annotations):
// deployment.kubernetes.io/revision, revision-history, desired-replicas and max-replicas, and the
// user annotations (kubernetes.io/change-cause...) copied from the Deployment to its ReplicaSets,
// which is what `kubectl rollout history` and `rollout undo` read. Pure functions, thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "common/json.h"

namespace berth::controllers::deployutil {

inline constexpr const char* kRevisionAnnotation = "deployment.kubernetes.io/revision";
inline constexpr const char* kRevisionHistoryAnnotation =
    "deployment.kubernetes.io/revision-history";
inline constexpr const char* kDesiredReplicasAnnotation =
    "deployment.kubernetes.io/desired-replicas";
inline constexpr const char* kMaxReplicasAnnotation = "deployment.kubernetes.io/max-replicas";

// The annotation `key` of `obj`, or "".
std::string AnnotationOf(const json::object& obj, const std::string& key);
// The annotation parsed as an integer, or nullopt when absent or malformed.
std::optional<int64_t> IntAnnotation(const json::object& obj, const std::string& key);
// The revision of a ReplicaSet or Deployment (0 when absent or malformed).
int64_t RevisionOf(const json::object& obj);
// Sets annotation `key` to `value` on `obj`; true when it changed.
bool SetAnnotation(json::object& obj, const std::string& key, const std::string& value);

// Copies the Deployment's annotations to the ReplicaSet, except kubectl's last-applied
// configuration and the controller's own deployment.kubernetes.io/* bookkeeping. Existing RS
// annotations are only added to or overwritten. True when something changed.
bool CopyDeploymentAnnotations(const json::object& deployment, json::object& rs);
// Sets desired-replicas and max-replicas; true when either changed.
bool SetReplicasAnnotations(json::object& rs, int64_t desired, int64_t max_replicas);
// Annotations of the newest ReplicaSet: the copied ones, the revision raised to `new_revision`
// when it is lower (recording the previous one in revision-history: a reused, rolled-back RS),
// and for an RS about to be created (`exists` false) the replica annotations. True when changed.
bool SetNewReplicaSetAnnotations(const json::object& deployment, json::object& rs,
                                 int64_t new_revision, bool exists, int64_t max_surge);

}  // namespace berth::controllers::deployutil
