#include "controllers/endpointslice/slice_writer.h"

#include "controllers/common/pod_state.h"

namespace berth::controllers::endpoints {

namespace {
constexpr const char* kSliceGroupVersion = "/apis/discovery.k8s.io/v1";
}  // namespace

Status ApplySlicePlan(client::Interface* client, WriteTracker* tracker, const std::string& key,
                      const std::string& ns, const SlicePlan& plan) {
  Status first;
  auto note = [&first](const Status& s) {
    if (!s.ok() && first.ok()) first = s;
  };
  const std::string collection = CollectionPath(kSliceGroupVersion, ns, "endpointslices");
  for (const auto& slice : plan.create) {
    auto r = client->Create(collection, slice);
    if (!r.ok()) {
      note(r.status());
      continue;
    }
    tracker->Wrote(key, GetString(*r, {"metadata", "name"}),
                   GetString(*r, {"metadata", "resourceVersion"}));
  }
  for (const auto& slice : plan.update) {
    std::string name = GetString(slice, {"metadata", "name"});
    auto r = client->Update(ObjectPath(kSliceGroupVersion, ns, "endpointslices", name), slice);
    if (!r.ok()) {
      note(r.status());
      continue;
    }
    tracker->Wrote(key, name, GetString(*r, {"metadata", "resourceVersion"}));
  }
  for (const auto& name : plan.remove) {
    Status s = client->Delete(ObjectPath(kSliceGroupVersion, ns, "endpointslices", name));
    if (!s.ok() && s.reason() != Reason::kNotFound) {
      note(s);
      continue;
    }
    tracker->Deleted(key, name);
  }
  return first;
}

bool SlicesStale(client::Interface* client, controller::Informer* slices, WriteTracker* tracker,
                 const std::string& key, const std::string& ns) {
  auto lookup = [&](const std::string& slice) { return slices->Get(ns, slice); };
  auto gone = [&](const std::string& slice) {
    auto r = client->Get(ObjectPath(kSliceGroupVersion, ns, "endpointslices", slice));
    return !r.ok() && r.status().reason() == Reason::kNotFound;
  };
  return tracker->Stale(key, lookup, gone);
}

}  // namespace berth::controllers::endpoints
