// The LimitRanger rules as pure functions over JSON (kube's
// plugin/pkg/admission/limitranger), so they are tested without a server:
//  * ApplyLimitRangeDefaults: every Container item's `default` becomes the
//    limits and `defaultRequest` the requests of each container and init
//    container that sets none for that resource; records what it set in the
//    pod annotation kubernetes.io/limit-ranger ("LimitRanger plugin set: cpu,
//    memory request for container c; cpu limit for container c").
//  * LimitRangeViolations: min, max and maxLimitRequestRatio of Container
//    items per container and of Pod items over the pod's total, in kube's
//    wording ("minimum cpu usage per Container is 50m, but request is 10m").
// Thread-safe (no state).
#pragma once

#include <boost/json.hpp>
#include <string>
#include <vector>

namespace berth::apiserver::admission {

// `limit_ranges` are LimitRange objects of the pod's namespace.
void ApplyLimitRangeDefaults(boost::json::object& pod,
                             const std::vector<boost::json::object>& limit_ranges);

// Every distinct violation, in item/container order; empty when the pod fits.
std::vector<std::string> LimitRangeViolations(
    const boost::json::object& pod, const std::vector<boost::json::object>& limit_ranges);

// kube's aggregate error text: the message alone, or "[m1, m2]".
std::string AggregateMessage(const std::vector<std::string>& messages);

}  // namespace berth::apiserver::admission
