// EndpointSliceController: keeps the discovery.k8s.io/v1 EndpointSlices of every Service with
// a selector (kube-controller-manager's endpointslice controller). Key: "ns/service".
//
// Per service whose type is not ExternalName and whose spec.selector is non-empty:
// - Endpoints: the namespace's pods matching the selector that have an IP of the service's
//   family (spec.ipFamilies[0], default IPv4) and are neither Succeeded nor Failed (terminating
//   pods included). Each endpoint: addresses [podIP]; conditions ready = publishNotReadyAddresses
//   || (Ready && !terminating), serving = publishNotReadyAddresses || Ready, terminating =
//   deletionTimestamp set; nodeName; zone (the node's topology.kubernetes.io/zone label);
//   targetRef {Pod, namespace, name, uid}; hostname when spec.hostname is set and spec.subdomain
//   is the service's name.
// - Ports: per service port {name, protocol, port = the target port on the pod, appProtocol}.
//   A named targetPort is looked up in the pod's container ports; ports a pod does not have are
//   left out of its endpoint's port list (as kube does), and a pod that has none of the
//   service's ports is left out entirely. Pods resolving to different port lists are in
//   different slices.
// - Slices, at most `max_endpoints_per_slice` endpoints each, are laid out by PlanSlices
//   (slice_planner.h): named <service>-<random>, labelled, owned by the service; written only when
//   their content changes; creates before updates before deletes.
// Services that are gone, lost their selector or became ExternalName have their managed slices
// deleted (also covered by the garbage collector through the ownerReference). Slices without
// the managed-by label are never touched.
//
// Events: services (any change), pods (services selecting the old or new labels), managed
// slices (so edits by others are reconciled back), nodes (a zone label change queues the
// services of the node's pods). A sync whose slice cache does not yet reflect the controller's
// own last writes does nothing; the write's own informer event queues the service again.
//
// Thread-safety: Sync runs on the controller's workers, one key at a time.
#pragma once

#include <string>
#include <vector>

#include "controller/controller.h"
#include "controllers/endpointslice/slice_planner.h"
#include "controllers/endpointslice/write_tracker.h"

namespace berth::controllers {

class EndpointSliceController : public controller::QueueController {
 public:
  explicit EndpointSliceController(
      const controller::Context& ctx,
      size_t max_endpoints_per_slice = endpoints::kMaxEndpointsPerSlice);
  ~EndpointSliceController() override;
  const char* Name() const override { return "endpointslice"; }

 protected:
  Status Sync(const std::string& key) override;

 private:
  std::vector<endpoints::DesiredEndpoint> DesiredEndpoints(
      const json::object& service, const api::selector::LabelSelector& selector,
      const std::string& family) const;
  std::vector<controller::ObjectPtr> ManagedSlices(const std::string& ns,
                                                   const std::string& service) const;
  Status Apply(const std::string& key, const std::string& ns, endpoints::SlicePlan plan);
  void EnqueueServicesOnNode(const std::string& node);

  size_t max_per_slice_;
  controller::Informer* services_;
  controller::Informer* pods_;
  controller::Informer* nodes_;
  controller::Informer* slices_;
  endpoints::WriteTracker tracker_;
};

}  // namespace berth::controllers
