// EndpointSliceMirroringController: mirrors the user-managed Endpoints of Services without a
// selector into EndpointSlices (kube-controller-manager's endpointslicemirroring controller;
// the reconciliation rules are PlanMirror's, mirror_planner.h). Key: "ns/name" (the Service
// and its Endpoints share the name).
//
// Events: Endpoints (any change), Services (a selector added or removed changes whether
// mirroring applies), and mirrored EndpointSlices (edits and deletes are reconciled back). A
// sync whose slice cache does not yet show the controller's last write does nothing; that
// write's event queues the key again (WriteTracker).
//
// Thread-safety: Sync runs on the controller's workers, one key at a time.
#pragma once

#include <string>
#include <vector>

#include "controller/controller.h"
#include "controllers/endpointslice/slice_planner.h"
#include "controllers/endpointslice/write_tracker.h"

namespace berth::controllers {

class EndpointSliceMirroringController : public controller::QueueController {
 public:
  explicit EndpointSliceMirroringController(const controller::Context& ctx);
  ~EndpointSliceMirroringController() override;
  const char* Name() const override { return "endpointslicemirroring"; }

 protected:
  Status Sync(const std::string& key) override;

 private:
  std::vector<controller::ObjectPtr> MirroredSlices(const std::string& ns, const std::string& name) const;
  Status Apply(const std::string& key, const std::string& ns, endpoints::SlicePlan plan);

  controller::Informer* services_;
  controller::Informer* endpoints_;
  controller::Informer* slices_;
  endpoints::WriteTracker tracker_;
};

}  // namespace berth::controllers
