// Whether a node should run a DaemonSet's pod (kube's NodeShouldRunDaemonPod), from the node and
// the daemon pod the controller would create there (template + default daemon tolerations):
// - spec.nodeName of the template, when set, must be the node;
// - spec.nodeSelector labels and the required node affinity terms must match the node
//   (terms are ORed; within a term matchExpressions over labels and matchFields over
//   metadata.name are ANDed; operators In, NotIn, Exists, DoesNotExist, Gt, Lt);
// - every NoSchedule/NoExecute taint must be tolerated to start a pod; an already running pod
//   keeps running on untolerated NoSchedule taints but not on untolerated NoExecute ones.
// Pure functions over JSON, thread-safe.
#pragma once

#include <string>

#include "common/json.h"

namespace berth::controllers::daemon {

struct Placement {
  bool should_run = false;               // a pod should be created here
  bool should_continue_running = false;  // an existing pod may stay
};

// Kubernetes' ToleratesTaint for one toleration/taint pair.
bool ToleratesTaint(const json::object& toleration, const json::object& taint);
// nodeSelector + required node affinity of `pod_spec` against `node`.
bool MatchesNodeSelection(const json::object& pod_spec, const json::object& node);
Placement NodeShouldRunDaemonPod(const json::object& node, const json::object& pod_spec);

}  // namespace berth::controllers::daemon
