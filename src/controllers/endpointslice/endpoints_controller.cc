#include "controllers/endpointslice/endpoints_controller.h"

#include "controllers/common/json_hash.h"
#include "controllers/common/owner_refs.h"
#include "controllers/common/pod_state.h"
#include "controllers/endpointslice/endpoint_pods.h"
#include "controllers/endpointslice/endpoint_subsets.h"

namespace berth::controllers {

namespace {

constexpr const char* kEndpointsPath = "/api/v1/endpoints";
constexpr const char* kManagedByLabel = "endpoints.kubernetes.io/managed-by";
constexpr const char* kManagedByValue = "endpoint-controller";
constexpr const char* kOverCapacity = "endpoints.kubernetes.io/over-capacity";

json::object DesiredLabels(const json::object& service) {
  json::object labels = LabelsOf(service);
  if (endpoints::IsHeadless(service)) {
    labels[endpoints::kHeadlessLabel] = "";
  } else {
    labels.erase(endpoints::kHeadlessLabel);
  }
  labels[kManagedByLabel] = kManagedByValue;
  return labels;
}

const json::value* SubsetsOf(const json::object& ep) { return ep.if_contains("subsets"); }

}  // namespace

EndpointsController::EndpointsController(const controller::Context& ctx)
    : QueueController(ctx),
      services_(ctx.informers->For(endpoints::kServicePath)),
      pods_(ctx.informers->For(endpoints::kPodPath)),
      endpoints_(ctx.informers->For(kEndpointsPath)) {
  services_->AddHandler(EnqueueOnEvents());
  pods_->AddHandler(
      endpoints::PodEventsToServices(services_, [this](const std::string& k) { queue_.Add(k); }));
  // Only Endpoints of existing services: a user may create Endpoints before their Service.
  auto if_service = [this](const controller::ObjectPtr& ep) {
    if (services_->GetByKey(controller::KeyOf(*ep))) Enqueue(*ep);
  };
  endpoints_->AddHandler(controller::EventHandler{
      if_service,
      [if_service](const controller::ObjectPtr&, const controller::ObjectPtr& n) { if_service(n); },
      [this, if_service](const controller::ObjectPtr& ep) {
        tracker_.ObservedDeletion(controller::KeyOf(*ep), GetString(*ep, {"metadata", "name"}));
        if_service(ep);
      }});
}

EndpointsController::~EndpointsController() { Stop(); }

Status EndpointsController::Sync(const std::string& key) {
  std::string ns, name;
  controller::SplitKey(key, &ns, &name);
  const std::string path = ObjectPath("/api/v1", ns, "endpoints", name);
  auto lookup = [&](const std::string& n) { return endpoints_->Get(ns, n); };
  auto gone = [&](const std::string&) {
    auto r = ctx_.client->Get(path);
    return !r.ok() && r.status().reason() == Reason::kNotFound;
  };
  if (tracker_.Stale(key, lookup, gone)) return {};

  controller::ObjectPtr svc = services_->Get(ns, name);
  controller::ObjectPtr current = endpoints_->Get(ns, name);
  if (!svc) {
    if (!current) return {};
    Status s = ctx_.client->Delete(path);
    if (!s.ok() && s.reason() != Reason::kNotFound) return s;
    tracker_.Deleted(key, name);
    return {};
  }
  auto selector = endpoints::ManagedSelector(*svc);
  if (!selector) return {};  // the user's Endpoints
  if (IsBeingDeleted(*svc)) return {};

  bool truncated = false;
  json::array subsets = endpoints::BuildSubsets(*svc, *selector, pods_->List(ns),
                                                endpoints::kMaxEndpointsAddresses, &truncated);
  json::object labels = DesiredLabels(*svc);

  json::object ep;
  if (current) {
    const json::value* cur_subsets = SubsetsOf(*current);
    bool same_subsets = NormalizeJson(cur_subsets ? *cur_subsets : json::value(json::array{})) ==
                        NormalizeJson(subsets);
    bool same_labels = LabelsOf(*current) == labels;
    bool same_capacity =
        GetString(*current, {"metadata", "annotations", kOverCapacity}) ==
        (truncated ? "truncated" : "");
    if (same_subsets && same_labels && same_capacity) return {};
    ep = *current;
  } else {
    ep = json::object{{"apiVersion", "v1"},
                      {"kind", "Endpoints"},
                      {"metadata", json::object{{"name", name}, {"namespace", ns}}}};
  }
  json::object& meta = ep["metadata"].as_object();
  meta["labels"] = labels;
  json::value* ann = meta.if_contains("annotations");
  if (truncated) {
    if (!ann || !ann->is_object()) {
      meta["annotations"] = json::object{};
      ann = meta.if_contains("annotations");
    }
    ann->as_object()[kOverCapacity] = "truncated";
  } else if (ann && ann->is_object()) {
    ann->as_object().erase(kOverCapacity);
  }
  ep["subsets"] = std::move(subsets);

  auto r = current ? ctx_.client->Update(path, ep)
                   : ctx_.client->Create(CollectionPath("/api/v1", ns, "endpoints"), ep);
  if (!r.ok()) return r.status();
  tracker_.Wrote(key, name, GetString(*r, {"metadata", "resourceVersion"}));
  return {};
}

}  // namespace berth::controllers
