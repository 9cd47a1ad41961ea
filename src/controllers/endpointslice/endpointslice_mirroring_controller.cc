#include "controllers/endpointslice/endpointslice_mirroring_controller.h"

#include "controllers/common/owner_refs.h"
#include "controllers/common/pod_state.h"
#include "controllers/endpointslice/endpoint_pods.h"
#include "controllers/endpointslice/slice_writer.h"
#include "controllers/endpointslice/mirror_planner.h"

namespace berth::controllers {

namespace {

constexpr const char* kEndpointsPath = "/api/v1/endpoints";
constexpr const char* kSlicePath = "/apis/discovery.k8s.io/v1/endpointslices";

// "ns/service" of a mirrored slice, "" for others.
std::string MirrorKeyOf(const json::object& slice) {
  const json::object& labels = LabelsOf(slice);
  if (GetString(labels, {endpoints::kManagedByLabel}) != endpoints::kMirrorManagedByValue) return "";
  std::string svc = GetString(labels, {endpoints::kServiceNameLabel});
  if (svc.empty()) return "";
  return GetString(slice, {"metadata", "namespace"}) + "/" + svc;
}

bool HasSelector(const json::object& svc) {
  const json::value* sel = GetPath(svc, {"spec", "selector"});
  return sel && sel->is_object() && !sel->as_object().empty();
}

}  // namespace

EndpointSliceMirroringController::EndpointSliceMirroringController(const controller::Context& ctx)
    : QueueController(ctx),
      services_(ctx.informers->For(endpoints::kServicePath)),
      endpoints_(ctx.informers->For(kEndpointsPath)),
      slices_(ctx.informers->For(kSlicePath)) {
  endpoints_->AddHandler(EnqueueOnEvents());
  services_->AddHandler(controller::EventHandler{
      [this](const controller::ObjectPtr& s) { Enqueue(*s); },
      [this](const controller::ObjectPtr& o, const controller::ObjectPtr& n) {
        if (HasSelector(*o) != HasSelector(*n) ||
            GetString(*o, {"spec", "type"}) != GetString(*n, {"spec", "type"}) ||
            IsBeingDeleted(*o) != IsBeingDeleted(*n)) {
          Enqueue(*n);
        }
      },
      [this](const controller::ObjectPtr& s) { Enqueue(*s); }});
  auto slice_changed = [this](const controller::ObjectPtr& s) {
    std::string k = MirrorKeyOf(*s);
    if (!k.empty()) queue_.Add(k);
  };
  slices_->AddHandler(controller::EventHandler{
      slice_changed,
      [slice_changed](const controller::ObjectPtr& o, const controller::ObjectPtr& n) {
        if (MirrorKeyOf(*o) != MirrorKeyOf(*n)) slice_changed(o);
        slice_changed(n);
      },
      [this, slice_changed](const controller::ObjectPtr& s) {
        std::string k = MirrorKeyOf(*s);
        if (!k.empty()) tracker_.ObservedDeletion(k, GetString(*s, {"metadata", "name"}));
        slice_changed(s);
      }});
}

EndpointSliceMirroringController::~EndpointSliceMirroringController() { Stop(); }

std::vector<controller::ObjectPtr> EndpointSliceMirroringController::MirroredSlices(
    const std::string& ns, const std::string& name) const {
  std::vector<controller::ObjectPtr> out;
  for (const auto& s : slices_->List(ns)) {
    if (MirrorKeyOf(*s) == ns + "/" + name) out.push_back(s);
  }
  return out;
}

Status EndpointSliceMirroringController::Apply(const std::string& key, const std::string& ns,
                                               endpoints::SlicePlan plan) {
  return endpoints::ApplySlicePlan(ctx_.client, &tracker_, key, ns, plan);
}

Status EndpointSliceMirroringController::Sync(const std::string& key) {
  std::string ns, name;
  controller::SplitKey(key, &ns, &name);
  if (endpoints::SlicesStale(ctx_.client, slices_, &tracker_, key, ns)) return {};
  controller::ObjectPtr svc = services_->Get(ns, name);
  controller::ObjectPtr ep = endpoints_->Get(ns, name);
  bool mirror = endpoints::ShouldMirror(svc.get(), ep.get());
  std::vector<controller::ObjectPtr> existing = MirroredSlices(ns, name);
  if (!mirror && existing.empty()) return {};
  return Apply(key, ns, endpoints::PlanMirror(mirror ? ep.get() : nullptr, existing));
}

}  // namespace berth::controllers
