// PlanSlices: the EndpointSlice reconciler as a pure function — from a service's desired
// endpoints and its existing managed slices to the creates, updates and deletes that make the
// slices match, with little churn (kube's reconciler):
//
// - Endpoints are grouped by their port list (pods whose named target port resolves to
//   different numbers need different slices); a slice holds one group, at most
//   `max_per_slice` endpoints.
// - An endpoint already in a slice of its group stays in that slice (updated in place when its
//   content changed); endpoints no longer desired leave their slice.
// - New endpoints fill existing slices of the group that have room (the fullest first), then
//   new slices. A new slice reuses, when there is one, a slice that would otherwise be deleted
//   (an update instead of a delete plus a create).
// - Slices left empty, of another port list, address type or owner (a service recreated under
//   the same name) are deleted.
// - With no endpoints at all the service keeps exactly one empty placeholder slice (no ports),
//   as kube does.
// - Every slice gets the desired labels (the service's labels plus kubernetes.io/service-name,
//   endpointslice.kubernetes.io/managed-by, service.kubernetes.io/headless for headless
//   services) and one controller ownerReference to the service. A slice is written only when
//   its labels, ownerReferences, addressType, ports or endpoints differ from what is stored
//   (compared after normalization, so the server's defaults do not count as differences).
//
// Pure; thread-safe.
#pragma once

#include <string>
#include <vector>

#include "common/json.h"
#include "controller/informer.h"

namespace berth::controllers::endpoints {

inline constexpr const char* kManagedByLabel = "endpointslice.kubernetes.io/managed-by";
inline constexpr const char* kManagedByValue = "endpointslice-controller.k8s.io";
inline constexpr size_t kMaxEndpointsPerSlice = 100;

// One desired endpoint: the discovery.k8s.io/v1 Endpoint object, the ports it serves (an array
// of EndpointPort {name, protocol, port[, appProtocol]} in the service's port order), and a key
// that identifies it across syncs (the pod's uid).
struct DesiredEndpoint {
  std::string key;
  json::object endpoint;
  json::array ports;
};

struct SlicePlan {
  std::vector<json::object> create;  // new slices (metadata.generateName set)
  std::vector<json::object> update;  // full slices carrying their resourceVersion
  std::vector<std::string> remove;   // names of slices to delete
};

// `service` is the Service object (needs metadata name/namespace/uid/labels, spec.clusterIP);
// `address_type` "IPv4" or "IPv6"; `existing` the slices carrying this controller's managed-by
// label and the service's name label.
SlicePlan PlanSlices(const json::object& service, const std::string& address_type,
                     const std::vector<DesiredEndpoint>& desired,
                     const std::vector<controller::ObjectPtr>& existing,
                     size_t max_per_slice = kMaxEndpointsPerSlice);

// The labels a managed slice of `service` carries.
json::object DesiredSliceLabels(const json::object& service);

}  // namespace berth::controllers::endpoints
