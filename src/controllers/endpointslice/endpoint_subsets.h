// BuildSubsets: the core/v1 Endpoints subsets of a service (kube's endpoints controller plus
// RepackSubsets), as a pure function of the service and its namespace's pods.
//
// - Pods: matching the service's selector, with an IP of the service's family, not
//   Succeeded/Failed, and not terminating unless spec.publishNotReadyAddresses.
// - Address {ip, hostname (spec.hostname when spec.subdomain is the service's name), nodeName,
//   targetRef {Pod, namespace, name, uid}}; in `addresses` when the pod is Ready or the service
//   publishes not-ready addresses, else in `notReadyAddresses`.
// - Ports {name (omitted when empty), port = the resolved target port, protocol, appProtocol}:
//   ports a pod does not have (a named targetPort missing from its containers) are skipped for
//   that pod; a pod with none of the ports is left out. A service without ports has address-only
//   subsets when headless and none otherwise.
// - Subsets group the addresses that serve the same port list; addresses sorted by IP then
//   uid, ports by name, port and protocol, subsets by their port list: equal inputs give equal
//   output, so the caller can compare before writing.
// - At most `max_addresses` addresses in total (ready ones kept first); `truncated` reports
//   when some were dropped (kube's over-capacity annotation).
//
// Pure; thread-safe.
#pragma once

#include <cstddef>
#include <vector>

#include "api/selector/label_selector.h"
#include "common/json.h"
#include "controller/informer.h"

namespace berth::controllers::endpoints {

inline constexpr size_t kMaxEndpointsAddresses = 1000;

json::array BuildSubsets(const json::object& service, const api::selector::LabelSelector& selector,
                         const std::vector<controller::ObjectPtr>& pods,
                         size_t max_addresses = kMaxEndpointsAddresses, bool* truncated = nullptr);

}  // namespace berth::controllers::endpoints
