// EndpointsController: keeps the legacy core/v1 Endpoints object of every Service with a
// selector (kube-controller-manager's endpoints controller). Key: "ns/service".
//
// - A service with a non-empty selector and a type other than ExternalName gets an Endpoints
//   object of the same name whose subsets are BuildSubsets (endpoint_subsets.h), labelled with
//   the service's labels, service.kubernetes.io/headless for headless services and
//   endpoints.kubernetes.io/managed-by=endpoint-controller (kube 1.33's label). More than 1000
//   addresses are truncated with the annotation endpoints.kubernetes.io/over-capacity=truncated.
//   It is written only when subsets, labels or that annotation differ (update with
//   resourceVersion; create when missing, also with no addresses).
// - A service without a selector: its Endpoints belong to the user and are left alone.
// - A deleted service: its Endpoints object is deleted (as kube does).
//
// Events: services (any change), pods (services selecting the old or new labels), Endpoints
// objects of services that exist (deletes recreate them, edits are reconciled back). A sync
// whose cache does not yet show the controller's last write does nothing; that write's event
// queues the service again.
//
// Thread-safety: Sync runs on the controller's workers, one key at a time.
#pragma once

#include <string>

#include "controller/controller.h"
#include "controllers/endpointslice/write_tracker.h"

namespace berth::controllers {

class EndpointsController : public controller::QueueController {
 public:
  explicit EndpointsController(const controller::Context& ctx);
  ~EndpointsController() override;
  const char* Name() const override { return "endpoints"; }

 protected:
  Status Sync(const std::string& key) override;

 private:
  controller::Informer* services_;
  controller::Informer* pods_;
  controller::Informer* endpoints_;
  endpoints::WriteTracker tracker_;
};

}  // namespace berth::controllers
