// The pods a DaemonSet creates (kube's daemon util): the template plus
// - the tolerations every daemon pod gets (NoExecute node.kubernetes.io/not-ready and
//   unreachable; NoSchedule disk-pressure, memory-pressure, pid-pressure, unschedulable, and
//   network-unavailable for hostNetwork pods), added when not already present;
// - for a given node, a required node affinity whose only term is matchFields metadata.name In
//   [node] (replacing any required terms of the template), so the scheduler binds it there;
// - the controller-revision-hash label of the current revision.
// Pure functions, thread-safe.
#pragma once

#include <string>

#include "common/json.h"

namespace berth::controllers::daemon {

// Adds the default daemon tolerations to `pod_spec`.
void AddDaemonTolerations(json::object& pod_spec);
// Replaces the required node affinity of `pod_spec` with "metadata.name In [node]".
void PinToNode(json::object& pod_spec, const std::string& node);
// The node a daemon pod is (spec.nodeName) or will be (its matchFields pin) on; "" if neither.
std::string TargetNodeOf(const json::object& pod);
// The pod template's spec with the default tolerations (what eligibility is judged on).
json::object DaemonPodSpec(const json::object& template_spec);
// The complete Pod for `node` from `pod_template` ({metadata, spec}) owned by `ds`.
json::object NewDaemonPod(const json::object& pod_template, const json::object& ds,
                          const std::string& node, const std::string& hash);

}  // namespace berth::controllers::daemon
