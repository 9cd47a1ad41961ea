#include "controllers/endpointslice/slice_planner.h"

#include <algorithm>
#include <map>
#include <set>
#include <unordered_map>

#include "controllers/common/json_hash.h"
#include "controllers/common/owner_refs.h"
#include "controllers/endpointslice/endpoint_pods.h"

namespace berth::controllers::endpoints {

namespace {

std::string PortsKey(const json::value& ports) { return CanonicalJson(NormalizeJson(ports)); }

std::string EndpointKey(const json::value& ep) {
  std::string uid = GetString(ep, {"targetRef", "uid"});
  if (!uid.empty()) return uid;
  const json::value* a = GetPath(ep, {"addresses"});
  if (a && a->is_array() && !a->as_array().empty() && a->as_array()[0].is_string()) {
    return "address:" + std::string(a->as_array()[0].get_string());
  }
  return "";
}

const json::array& ArrayField(const json::object& o, const char* key) {
  static const json::array kEmpty;
  const json::value* v = o.if_contains(key);
  return v && v->is_array() ? v->as_array() : kEmpty;
}

json::object ServiceOwnerRef(const json::object& service) {
  return json::object{{"apiVersion", "v1"},
                      {"kind", "Service"},
                      {"name", GetString(service, {"metadata", "name"})},
                      {"uid", GetString(service, {"metadata", "uid"})},
                      {"controller", true},
                      {"blockOwnerDeletion", true}};
}

// The parts of a slice the controller owns, normalized for comparison.
json::value OwnedContent(const json::object& slice) {
  const json::value* md = slice.if_contains("metadata");
  json::object meta = md && md->is_object() ? md->as_object() : json::object{};
  json::object c{{"addressType", GetString(slice, {"addressType"})},
                 {"endpoints", ArrayField(slice, "endpoints")},
                 {"ports", ArrayField(slice, "ports")},
                 {"labels", LabelsOf(slice)},
                 {"ownerReferences", ArrayField(meta, "ownerReferences")}};
  return NormalizeJson(c);
}

// One slice being planned: an existing one (orig set) or a new one.
struct Work {
  controller::ObjectPtr orig;
  json::array endpoints;
  json::array ports;
};

}  // namespace

json::object DesiredSliceLabels(const json::object& service) {
  json::object labels = LabelsOf(service);
  labels[kServiceNameLabel] = GetString(service, {"metadata", "name"});
  labels[kManagedByLabel] = kManagedByValue;
  if (IsHeadless(service)) {
    labels[kHeadlessLabel] = "";
  } else {
    labels.erase(kHeadlessLabel);
  }
  return labels;
}

SlicePlan PlanSlices(const json::object& service, const std::string& address_type,
                     const std::vector<DesiredEndpoint>& desired,
                     const std::vector<controller::ObjectPtr>& existing, size_t max_per_slice) {
  if (max_per_slice == 0) max_per_slice = 1;
  const std::string uid = GetString(service, {"metadata", "uid"});

  // Desired endpoints grouped by port list, groups in order of first appearance.
  std::vector<std::string> group_order;
  std::map<std::string, json::array> group_ports;
  std::map<std::string, std::vector<const DesiredEndpoint*>> group_eps;
  std::map<std::string, std::unordered_map<std::string, const DesiredEndpoint*>> group_index;
  for (const auto& d : desired) {
    std::string g = PortsKey(d.ports);
    if (!group_ports.count(g)) {
      group_order.push_back(g);
      group_ports[g] = d.ports;
    }
    if (group_index[g].emplace(d.key, &d).second) group_eps[g].push_back(&d);
  }

  // Existing slices: reusable in place (right owner and address type) by group, recyclable
  // (right address type only: it is immutable), or to delete.
  std::vector<controller::ObjectPtr> sorted = existing;
  std::sort(sorted.begin(), sorted.end(), [](const auto& a, const auto& b) {
    return GetString(*a, {"metadata", "name"}) < GetString(*b, {"metadata", "name"});
  });
  std::map<std::string, std::vector<controller::ObjectPtr>> by_group;
  std::vector<controller::ObjectPtr> spare;       // may be recycled for another content
  std::vector<std::string> remove;
  for (const auto& s : sorted) {
    if (GetString(*s, {"addressType"}) != address_type) {
      remove.push_back(GetString(*s, {"metadata", "name"}));
      continue;
    }
    std::string g = PortsKey(ArrayField(*s, "ports"));
    if (IsControlledBy(*s, uid) && group_ports.count(g)) {
      by_group[g].push_back(s);
    } else {
      spare.push_back(s);
    }
  }

  std::vector<Work> out;       // slices to keep (existing ones and new ones)
  std::vector<Work> fresh;     // content that needs a slice of its own
  std::set<std::string> placed;
  for (const auto& g : group_order) {
    const auto& index = group_index[g];
    std::vector<Work> slices;
    for (const auto& s : by_group[g]) {
      Work w{s, {}, group_ports[g]};
      for (const auto& ep : ArrayField(*s, "endpoints")) {
        std::string k = EndpointKey(ep);
        auto it = index.find(k);
        if (it == index.end() || placed.count(k)) continue;
        placed.insert(k);
        w.endpoints.push_back(it->second->endpoint);
      }
      slices.push_back(std::move(w));
    }
    std::vector<const DesiredEndpoint*> pending;
    for (const DesiredEndpoint* d : group_eps[g]) {
      if (!placed.count(d->key)) pending.push_back(d);
    }
    // Fill the fullest slices with room first, so slices stay few and full.
    std::vector<size_t> order(slices.size());
    for (size_t i = 0; i < order.size(); ++i) order[i] = i;
    std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
      return slices[a].endpoints.size() > slices[b].endpoints.size();
    });
    size_t next = 0;
    for (size_t i : order) {
      while (next < pending.size() && slices[i].endpoints.size() < max_per_slice) {
        slices[i].endpoints.push_back(pending[next++]->endpoint);
      }
    }
    while (next < pending.size()) {
      Work w{nullptr, {}, group_ports[g]};
      while (next < pending.size() && w.endpoints.size() < max_per_slice) {
        w.endpoints.push_back(pending[next++]->endpoint);
      }
      fresh.push_back(std::move(w));
    }
    for (auto& w : slices) {
      if (w.endpoints.empty()) {
        spare.push_back(w.orig);
      } else {
        out.push_back(std::move(w));
      }
    }
  }
  // No endpoints at all: one placeholder slice without endpoints or ports.
  if (desired.empty()) {
    auto it = std::find_if(spare.begin(), spare.end(), [&](const controller::ObjectPtr& s) {
      return IsControlledBy(*s, uid) && ArrayField(*s, "endpoints").empty() &&
             ArrayField(*s, "ports").empty();
    });
    if (it != spare.end()) std::rotate(spare.begin(), it, it + 1);  // prefer the placeholder
    fresh.push_back(Work{nullptr, {}, {}});
  }
  // New content goes into spare slices first (an update instead of a delete and a create).
  for (auto& w : fresh) {
    if (!spare.empty()) {
      w.orig = spare.front();
      spare.erase(spare.begin());
    }
    out.push_back(std::move(w));
  }
  for (const auto& s : spare) remove.push_back(GetString(*s, {"metadata", "name"}));

  SlicePlan plan;
  plan.remove = std::move(remove);
  json::object labels = DesiredSliceLabels(service);
  json::array owners{ServiceOwnerRef(service)};
  const std::string ns = GetString(service, {"metadata", "namespace"});
  for (auto& w : out) {
    json::object slice;
    if (w.orig) {
      slice = *w.orig;
    } else {
      slice = json::object{
          {"apiVersion", "discovery.k8s.io/v1"},
          {"kind", "EndpointSlice"},
          {"metadata",
           json::object{{"generateName", GetString(service, {"metadata", "name"}) + "-"},
                        {"namespace", ns}}}};
    }
    json::object& meta = slice["metadata"].as_object();
    meta["labels"] = labels;
    meta["ownerReferences"] = owners;
    slice["addressType"] = address_type;
    slice["endpoints"] = std::move(w.endpoints);
    slice["ports"] = std::move(w.ports);
    if (!w.orig) {
      plan.create.push_back(std::move(slice));
    } else if (OwnedContent(slice) != OwnedContent(*w.orig)) {
      plan.update.push_back(std::move(slice));
    }
  }
  return plan;
}

}  // namespace berth::controllers::endpoints
