#include "controllers/endpointslice/mirror_planner.h"

#include <map>

#include "controllers/common/json_hash.h"
#include "controllers/common/owner_refs.h"
#include "controllers/endpointslice/endpoint_pods.h"

namespace berth::controllers::endpoints {

namespace {

// Overloads for both, so an object is never copied into a temporary value (whose array the
// returned reference would point into).
const json::array& ArrayOf(const json::object& o, const char* key) {
  static const json::array kEmpty;
  const json::value* v = o.if_contains(key);
  return v && v->is_array() ? v->as_array() : kEmpty;
}
const json::array& ArrayOf(const json::value& o, const char* key) {
  static const json::array kEmpty;
  return o.is_object() ? ArrayOf(o.as_object(), key) : kEmpty;
}

json::array MirrorPorts(const json::array& ports) {
  json::array out;
  for (const auto& p : ports) {
    if (!p.is_object()) continue;
    json::object port{{"name", GetString(p, {"name"})},
                      {"port", GetInt(p, {"port"})},
                      {"protocol", GetString(p, {"protocol"}, "TCP")}};
    std::string app = GetString(p, {"appProtocol"});
    if (!app.empty()) port["appProtocol"] = app;
    out.push_back(std::move(port));
  }
  return out;
}

json::object MirrorEndpoint(const json::value& addr, bool ready) {
  json::object ep{{"addresses", json::array{json::value(GetString(addr, {"ip"}))}},
                  {"conditions", json::object{{"ready", ready}}}};
  std::string host = GetString(addr, {"hostname"});
  if (!host.empty()) ep["hostname"] = host;
  std::string node = GetString(addr, {"nodeName"});
  if (!node.empty()) ep["nodeName"] = node;
  if (const json::value* ref = GetPath(addr, {"targetRef"}); ref && ref->is_object()) ep["targetRef"] = *ref;
  return ep;
}

json::object DesiredMeta(const json::object& endpoints) {
  const std::string name = GetString(endpoints, {"metadata", "name"});
  json::object labels = LabelsOf(endpoints);
  labels[kServiceNameLabel] = name;
  labels[kManagedByLabel] = kMirrorManagedByValue;
  json::object meta{{"namespace", GetString(endpoints, {"metadata", "namespace"})},
                    {"labels", std::move(labels)},
                    {"ownerReferences",
                     json::array{json::object{{"apiVersion", "v1"},
                                              {"kind", "Endpoints"},
                                              {"name", name},
                                              {"uid", GetString(endpoints, {"metadata", "uid"})},
                                              {"controller", true},
                                              {"blockOwnerDeletion", true}}}}};
  if (const json::value* a = GetPath(endpoints, {"metadata", "annotations"}); a && a->is_object()) {
    json::object ann = a->as_object();
    ann.erase("kubectl.kubernetes.io/last-applied-configuration");
    ann.erase("endpoints.kubernetes.io/last-change-trigger-time");
    if (!ann.empty()) meta["annotations"] = std::move(ann);
  }
  return meta;
}

// The parts of a slice this controller owns, normalized for comparison.
std::string OwnedContent(const json::object& slice) {
  json::object meta;
  if (const json::value* m = slice.if_contains("metadata"); m && m->is_object()) meta = m->as_object();
  json::object c{{"addressType", GetString(slice, {"addressType"})},
                 {"endpoints", ArrayOf(slice, "endpoints")},
                 {"ports", ArrayOf(slice, "ports")},
                 {"labels", LabelsOf(slice)},
                 {"annotations", meta.if_contains("annotations") ? meta["annotations"] : json::value(json::object{})},
                 {"ownerReferences", ArrayOf(meta, "ownerReferences")}};
  return CanonicalJson(NormalizeJson(c));
}

std::string GroupKey(const std::string& address_type, const json::value& ports) {
  return address_type + "|" + CanonicalJson(NormalizeJson(ports));
}

}  // namespace

bool ShouldMirror(const json::object* service, const json::object* endpoints) {
  if (!service || !endpoints) return false;
  if (IsBeingDeleted(*service)) return false;
  const json::value* sel = GetPath(*service, {"spec", "selector"});
  if (sel && sel->is_object() && !sel->as_object().empty()) return false;
  if (GetString(*service, {"spec", "type"}) == "ExternalName") return false;
  return GetString(LabelsOf(*endpoints), {kSkipMirrorLabel}) != "true";
}

SlicePlan PlanMirror(const json::object* endpoints, const std::vector<controller::ObjectPtr>& existing,
                     size_t max_per_slice) {
  SlicePlan plan;
  // Desired groups in a stable order: (type, ports) -> endpoints.
  struct Group {
    std::string address_type;
    json::array ports;
    json::array endpoints;
  };
  std::map<std::string, Group> groups;
  if (endpoints) {
    for (const auto& ss : ArrayOf(*endpoints, "subsets")) {
      json::array ports = MirrorPorts(ArrayOf(ss, "ports"));
      auto add = [&](const json::value& addr, bool ready) {
        std::string ip = GetString(addr, {"ip"});
        if (ip.empty()) return;
        std::string type = ip.find(':') != std::string::npos ? "IPv6" : "IPv4";
        Group& g = groups[GroupKey(type, ports)];
        g.address_type = type;
        g.ports = ports;
        g.endpoints.push_back(MirrorEndpoint(addr, ready));
      };
      for (const auto& a : ArrayOf(ss, "addresses")) add(a, true);
      for (const auto& a : ArrayOf(ss, "notReadyAddresses")) add(a, false);
    }
  }
  // Existing slices by group, oldest name first for stability.
  std::map<std::string, std::vector<controller::ObjectPtr>> have;
  for (const auto& s : existing) {
    have[GroupKey(GetString(*s, {"addressType"}), ArrayOf(*s, "ports"))].push_back(s);
  }
  for (auto& [key, list] : have) {
    std::sort(list.begin(), list.end(), [](const auto& a, const auto& b) {
      return GetString(*a, {"metadata", "name"}) < GetString(*b, {"metadata", "name"});
    });
  }
  const json::object meta = endpoints ? DesiredMeta(*endpoints) : json::object{};
  const std::string name = endpoints ? GetString(*endpoints, {"metadata", "name"}) : "";
  for (auto& [key, g] : groups) {
    std::vector<controller::ObjectPtr>& reuse = have[key];
    size_t used = 0;
    for (size_t start = 0; start < g.endpoints.size(); start += max_per_slice) {
      json::array chunk;
      for (size_t i = start; i < g.endpoints.size() && i < start + max_per_slice; ++i) chunk.push_back(g.endpoints[i]);
      json::object slice{{"apiVersion", "discovery.k8s.io/v1"},
                         {"kind", "EndpointSlice"},
                         {"metadata", meta},
                         {"addressType", g.address_type},
                         {"endpoints", std::move(chunk)},
                         {"ports", g.ports}};
      if (used < reuse.size()) {
        const json::object& cur = *reuse[used++];
        if (OwnedContent(cur) == OwnedContent(slice)) continue;
        json::object upd = cur;
        json::object& m = upd["metadata"].as_object();
        m["labels"] = meta.at("labels");
        m["ownerReferences"] = meta.at("ownerReferences");
        if (meta.contains("annotations")) {
          m["annotations"] = meta.at("annotations");
        } else {
          m.erase("annotations");
        }
        upd["addressType"] = slice["addressType"];
        upd["endpoints"] = slice["endpoints"];
        upd["ports"] = slice["ports"];
        plan.update.push_back(std::move(upd));
      } else {
        slice["metadata"].as_object()["generateName"] = name + "-";
        plan.create.push_back(std::move(slice));
      }
    }
    reuse.erase(reuse.begin(), reuse.begin() + static_cast<long>(used));
  }
  for (const auto& [key, list] : have)
    for (const auto& s : list) plan.remove.push_back(GetString(*s, {"metadata", "name"}));
  return plan;
}

}  // namespace berth::controllers::endpoints
