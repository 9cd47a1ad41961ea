#include "controllers/endpointslice/endpointslice_controller.h"

#include <algorithm>

#include "controllers/common/owner_refs.h"
#include "controllers/common/pod_state.h"
#include "controllers/endpointslice/endpoint_pods.h"
#include "controllers/endpointslice/slice_writer.h"

namespace berth::controllers {

namespace {

using endpoints::DesiredEndpoint;

constexpr const char* kSlicePath = "/apis/discovery.k8s.io/v1/endpointslices";

bool IsManagedSlice(const json::object& slice) {
  return GetString(LabelsOf(slice), {endpoints::kManagedByLabel}) == endpoints::kManagedByValue;
}

// "ns/service" of a managed slice, "" for others.
std::string ServiceKeyOf(const json::object& slice) {
  if (!IsManagedSlice(slice)) return "";
  std::string svc = GetString(LabelsOf(slice), {endpoints::kServiceNameLabel});
  if (svc.empty()) return "";
  return GetString(slice, {"metadata", "namespace"}) + "/" + svc;
}

std::string ZoneOf(const json::object& node) {
  return GetString(LabelsOf(node), {endpoints::kZoneLabel});
}

}  // namespace

EndpointSliceController::EndpointSliceController(const controller::Context& ctx,
                                                 size_t max_endpoints_per_slice)
    : QueueController(ctx),
      max_per_slice_(max_endpoints_per_slice),
      services_(ctx.informers->For(endpoints::kServicePath)),
      pods_(ctx.informers->For(endpoints::kPodPath)),
      nodes_(ctx.informers->For(endpoints::kNodePath)),
      slices_(ctx.informers->For(kSlicePath)) {
  services_->AddHandler(EnqueueOnEvents());
  pods_->AddHandler(
      endpoints::PodEventsToServices(services_, [this](const std::string& k) { queue_.Add(k); }));
  auto slice_changed = [this](const controller::ObjectPtr& s) {
    std::string k = ServiceKeyOf(*s);
    if (!k.empty()) queue_.Add(k);
  };
  slices_->AddHandler(controller::EventHandler{
      slice_changed,
      [slice_changed](const controller::ObjectPtr& o, const controller::ObjectPtr& n) {
        // A slice whose labels were edited away from a service still counts for the old one.
        if (ServiceKeyOf(*o) != ServiceKeyOf(*n)) slice_changed(o);
        slice_changed(n);
      },
      [this, slice_changed](const controller::ObjectPtr& s) {
        std::string k = ServiceKeyOf(*s);
        if (!k.empty()) tracker_.ObservedDeletion(k, GetString(*s, {"metadata", "name"}));
        slice_changed(s);
      }});
  nodes_->AddHandler(controller::EventHandler{
      [this](const controller::ObjectPtr& n) {
        if (!ZoneOf(*n).empty()) EnqueueServicesOnNode(GetString(*n, {"metadata", "name"}));
      },
      [this](const controller::ObjectPtr& o, const controller::ObjectPtr& n) {
        if (ZoneOf(*o) != ZoneOf(*n)) EnqueueServicesOnNode(GetString(*n, {"metadata", "name"}));
      },
      [](const controller::ObjectPtr&) {}});
}

EndpointSliceController::~EndpointSliceController() { Stop(); }

void EndpointSliceController::EnqueueServicesOnNode(const std::string& node) {
  for (const auto& pod : pods_->List()) {
    if (GetString(*pod, {"spec", "nodeName"}) != node) continue;
    for (const auto& k : endpoints::ServicesSelecting(*services_, *pod)) queue_.Add(k);
  }
}

std::vector<controller::ObjectPtr> EndpointSliceController::ManagedSlices(
    const std::string& ns, const std::string& service) const {
  std::vector<controller::ObjectPtr> out;
  for (const auto& s : slices_->List(ns)) {
    if (IsManagedSlice(*s) && GetString(LabelsOf(*s), {endpoints::kServiceNameLabel}) == service) {
      out.push_back(s);
    }
  }
  return out;
}

std::vector<DesiredEndpoint> EndpointSliceController::DesiredEndpoints(
    const json::object& service, const api::selector::LabelSelector& selector,
    const std::string& family) const {
  const std::string ns = GetString(service, {"metadata", "namespace"});
  const bool publish_not_ready =
      GetPath(service, {"spec", "publishNotReadyAddresses"}) &&
      GetPath(service, {"spec", "publishNotReadyAddresses"})->is_bool() &&
      GetPath(service, {"spec", "publishNotReadyAddresses"})->as_bool();
  const json::value* sp = GetPath(service, {"spec", "ports"});
  const json::array service_ports = sp && sp->is_array() ? sp->as_array() : json::array{};

  std::vector<controller::ObjectPtr> pods = pods_->List(ns);
  std::sort(pods.begin(), pods.end(), [](const auto& a, const auto& b) {
    return GetString(*a, {"metadata", "name"}) < GetString(*b, {"metadata", "name"});
  });
  std::vector<DesiredEndpoint> out;
  for (const auto& pod_ptr : pods) {
    const json::object& pod = *pod_ptr;
    if (!selector.Matches(LabelsOf(pod))) continue;
    if (!endpoints::ShouldPodBeInEndpoints(pod, /*include_terminating=*/true)) continue;
    std::string ip = endpoints::PodIPOfFamily(pod, family);
    if (ip.empty()) continue;

    json::array ports;
    for (const auto& p : service_ports) {
      if (!p.is_object()) continue;
      auto n = endpoints::ResolveTargetPort(pod, p.as_object());
      if (!n) continue;
      json::object port{{"name", GetString(p, {"name"})},
                        {"protocol", GetString(p, {"protocol"}, "TCP")},
                        {"port", *n}};
      std::string app = GetString(p, {"appProtocol"});
      if (!app.empty()) port["appProtocol"] = app;
      ports.push_back(std::move(port));
    }
    if (!service_ports.empty() && ports.empty()) continue;  // none of the service's ports

    bool ready_cond = IsPodReady(pod);
    bool terminating = IsBeingDeleted(pod);
    bool serving = publish_not_ready || ready_cond;
    bool ready = publish_not_ready || (serving && !terminating);
    json::object ep{
        {"addresses", json::array{json::value(ip)}},
        {"conditions",
         json::object{{"ready", ready}, {"serving", serving}, {"terminating", terminating}}}};
    std::string host = endpoints::EndpointHostname(pod, service);
    if (!host.empty()) ep["hostname"] = host;
    ep["targetRef"] = endpoints::PodReference(pod);
    std::string node = GetString(pod, {"spec", "nodeName"});
    if (!node.empty()) {
      ep["nodeName"] = node;
      if (controller::ObjectPtr n = nodes_->Get("", node)) {
        std::string zone = ZoneOf(*n);
        if (!zone.empty()) ep["zone"] = zone;
      }
    }
    out.push_back(
        DesiredEndpoint{GetString(pod, {"metadata", "uid"}), std::move(ep), std::move(ports)});
  }
  return out;
}

Status EndpointSliceController::Apply(const std::string& key, const std::string& ns,
                                      endpoints::SlicePlan plan) {
  return endpoints::ApplySlicePlan(ctx_.client, &tracker_, key, ns, plan);
}

Status EndpointSliceController::Sync(const std::string& key) {
  std::string ns, name;
  controller::SplitKey(key, &ns, &name);
  if (endpoints::SlicesStale(ctx_.client, slices_, &tracker_, key, ns)) return {};

  controller::ObjectPtr svc = services_->Get(ns, name);
  std::vector<controller::ObjectPtr> existing = ManagedSlices(ns, name);
  std::optional<api::selector::LabelSelector> selector;
  if (svc) selector = endpoints::ManagedSelector(*svc);
  if (!selector) {
    endpoints::SlicePlan plan;
    for (const auto& s : existing) plan.remove.push_back(GetString(*s, {"metadata", "name"}));
    return Apply(key, ns, std::move(plan));
  }
  if (IsBeingDeleted(*svc)) return {};  // the slices go with it (garbage collector)

  std::string family = endpoints::ServiceAddressFamily(*svc);
  endpoints::SlicePlan plan = endpoints::PlanSlices(
      *svc, family, DesiredEndpoints(*svc, *selector, family), existing, max_per_slice_);
  return Apply(key, ns, std::move(plan));
}

}  // namespace berth::controllers
