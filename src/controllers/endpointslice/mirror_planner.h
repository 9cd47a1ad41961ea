// PlanMirror: the EndpointSlice mirroring reconciler as a pure function (kube's
// endpointslicemirroring controller). A Service without a selector has user-managed Endpoints;
// this mirrors them into EndpointSlices so that EndpointSlice consumers (the proxy, DNS) see
// them too.
//
// - Every subset contributes its ports (name, port, protocol defaulted to TCP, appProtocol)
//   and its addresses (ready) and notReadyAddresses (not ready), with hostname, nodeName and
//   targetRef. Addresses are grouped by (address type, port list); subsets with equal ports
//   merge. A group is cut into slices of at most `max_per_slice` endpoints.
// - Slices carry the Endpoints' labels plus kubernetes.io/service-name=<name> and
//   endpointslice.kubernetes.io/managed-by=endpointslicemirroring-controller.k8s.io, the
//   Endpoints' annotations (minus last-applied-configuration and the trigger time), and one
//   controller ownerReference to the Endpoints object.
// - Existing mirrored slices of a group are updated in place when their content differs;
//   missing ones are created (generateName "<name>-"); the rest are deleted.
// - `endpoints` null (or `mirror` false) means: delete every existing mirrored slice.
//
// Pure; thread-safe.
#pragma once

#include <vector>

#include "common/json.h"
#include "controller/informer.h"
#include "controllers/endpointslice/slice_planner.h"

namespace berth::controllers::endpoints {

inline constexpr const char* kMirrorManagedByValue = "endpointslicemirroring-controller.k8s.io";
inline constexpr const char* kSkipMirrorLabel = "endpointslice.kubernetes.io/skip-mirror";

// Whether the Endpoints of `service` should be mirrored: the service exists, has no selector,
// is not being deleted, and the Endpoints are not labelled skip-mirror=true.
bool ShouldMirror(const json::object* service, const json::object* endpoints);

// `existing`: the slices labelled managed-by=mirroring and service-name=<endpoints name>.
SlicePlan PlanMirror(const json::object* endpoints, const std::vector<controller::ObjectPtr>& existing,
                     size_t max_per_slice = kMaxEndpointsPerSlice);

}  // namespace berth::controllers::endpoints
