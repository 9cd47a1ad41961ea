#include "apiserver/discovery.h"

#include <boost/json.hpp>

namespace berth::apiserver {

namespace json = boost::json;

namespace {

// A resource the server serves without storing (reviews).
struct Extra {
  std::string group, version, plural, singular, kind;
  bool namespaced;
  std::vector<std::string> verbs;
};

const std::vector<Extra>& Extras() {
  static const std::vector<Extra> kExtras = {
      {"authorization.k8s.io", "v1", "selfsubjectaccessreviews", "selfsubjectaccessreview",
       "SelfSubjectAccessReview", false, {"create"}},
      {"authorization.k8s.io", "v1", "selfsubjectrulesreviews", "selfsubjectrulesreview",
       "SelfSubjectRulesReview", false, {"create"}},
      {"authentication.k8s.io", "v1", "selfsubjectreviews", "selfsubjectreview",
       "SelfSubjectReview", false, {"create"}},
      {"", "v1", "bindings", "binding", "Binding", true, {"create"}},
  };
  return kExtras;
}

json::array ToArray(const std::vector<std::string>& v) {
  json::array a;
  for (const auto& s : v) a.push_back(json::value(s));
  return a;
}

std::string GV(const std::string& g, const std::string& v) { return g.empty() ? v : g + "/" + v; }

}  // namespace

Discovery::Discovery(const api::Registry& registry) {
  // Collect group -> versions -> (legacy resources, aggregated resources).
  struct GVData {
    json::array legacy;
    json::array aggregated;
  };
  std::vector<std::string> group_order;
  std::map<std::string, std::vector<std::string>> versions;
  std::map<std::string, GVData> data;  // key "g/v"
  auto note_gv = [&](const std::string& g, const std::string& v) {
    if (std::find(group_order.begin(), group_order.end(), g) == group_order.end()) {
      group_order.push_back(g);
    }
    auto& vs = versions[g];
    if (std::find(vs.begin(), vs.end(), v) == vs.end()) vs.push_back(v);
  };

  for (const auto& t : registry.All()) {
    note_gv(t->group, t->version);
    GVData& d = data[GV(t->group, t->version)];
    json::object r{{"name", t->plural},
                   {"singularName", t->singular},
                   {"namespaced", t->namespaced},
                   {"kind", t->kind},
                   {"verbs", ToArray(t->verbs)}};
    if (!t->short_names.empty()) r["shortNames"] = ToArray(t->short_names);
    if (!t->categories.empty()) r["categories"] = ToArray(t->categories);
    d.legacy.push_back(r);
    json::array subs;
    if (t->has_status) {
      d.legacy.push_back(json::object{{"name", t->plural + "/status"},
                                      {"singularName", ""},
                                      {"namespaced", t->namespaced},
                                      {"kind", t->kind},
                                      {"verbs", json::array{"get", "patch", "update"}}});
      subs.push_back(json::object{
          {"subresource", "status"},
          {"responseKind", json::object{{"group", t->group}, {"version", t->version},
                                        {"kind", t->kind}}},
          {"verbs", json::array{"get", "patch", "update"}}});
    }
    if (t->group.empty() && t->plural == "pods") {
      // Create-only subresources served by binding.cc and eviction.cc.
      d.legacy.push_back(json::object{{"name", "pods/binding"},
                                      {"singularName", ""},
                                      {"namespaced", true},
                                      {"kind", "Binding"},
                                      {"verbs", json::array{"create"}}});
      d.legacy.push_back(json::object{{"name", "pods/eviction"},
                                      {"singularName", ""},
                                      {"namespaced", true},
                                      {"group", "policy"},
                                      {"version", "v1"},
                                      {"kind", "Eviction"},
                                      {"verbs", json::array{"create"}}});
      subs.push_back(json::object{
          {"subresource", "binding"},
          {"responseKind", json::object{{"group", ""}, {"version", "v1"}, {"kind", "Binding"}}},
          {"verbs", json::array{"create"}}});
      subs.push_back(json::object{
          {"subresource", "eviction"},
          {"responseKind",
           json::object{{"group", "policy"}, {"version", "v1"}, {"kind", "Eviction"}}},
          {"verbs", json::array{"create"}}});
    }
    if (t->scale) {
      d.legacy.push_back(json::object{{"name", t->plural + "/scale"},
                                      {"singularName", ""},
                                      {"namespaced", t->namespaced},
                                      {"group", "autoscaling"},
                                      {"version", "v1"},
                                      {"kind", "Scale"},
                                      {"verbs", json::array{"get", "patch", "update"}}});
      subs.push_back(json::object{
          {"subresource", "scale"},
          {"responseKind",
           json::object{{"group", "autoscaling"}, {"version", "v1"}, {"kind", "Scale"}}},
          {"verbs", json::array{"get", "patch", "update"}}});
    }
    json::object ar{{"resource", t->plural},
                    {"responseKind", json::object{{"group", t->group},
                                                  {"version", t->version},
                                                  {"kind", t->kind}}},
                    {"scope", t->namespaced ? "Namespaced" : "Cluster"},
                    {"singularResource", t->singular},
                    {"verbs", ToArray(t->verbs)}};
    if (!t->short_names.empty()) ar["shortNames"] = ToArray(t->short_names);
    if (!t->categories.empty()) ar["categories"] = ToArray(t->categories);
    if (!subs.empty()) ar["subresources"] = std::move(subs);
    d.aggregated.push_back(std::move(ar));
  }
  for (const Extra& e : Extras()) {
    note_gv(e.group, e.version);
    GVData& d = data[GV(e.group, e.version)];
    d.legacy.push_back(json::object{{"name", e.plural},
                                    {"singularName", e.singular},
                                    {"namespaced", e.namespaced},
                                    {"kind", e.kind},
                                    {"verbs", ToArray(e.verbs)}});
    d.aggregated.push_back(json::object{
        {"resource", e.plural},
        {"responseKind",
         json::object{{"group", e.group}, {"version", e.version}, {"kind", e.kind}}},
        {"scope", e.namespaced ? "Namespaced" : "Cluster"},
        {"singularResource", e.singular},
        {"verbs", ToArray(e.verbs)}});
  }

  api_versions_ = json::serialize(json::object{
      {"kind", "APIVersions"},
      {"versions", json::array{"v1"}},
      {"serverAddressByClientCIDRs",
       json::array{json::object{{"clientCIDR", "0.0.0.0/0"}, {"serverAddress", ""}}}}});

  json::array groups;
  json::array agg_groups;
  json::array agg_core;
  for (const auto& g : group_order) {
    json::array vlist;
    json::array agg_versions;
    for (const auto& v : versions[g]) {
      vlist.push_back(json::object{{"groupVersion", GV(g, v)}, {"version", v}});
      const GVData& d = data[GV(g, v)];
      resource_lists_[g.empty() ? "/api/" + v : "/apis/" + g + "/" + v] =
          json::serialize(json::object{{"kind", "APIResourceList"},
                                       {"apiVersion", "v1"},
                                       {"groupVersion", GV(g, v)},
                                       {"resources", d.legacy}});
      agg_versions.push_back(json::object{
          {"version", v}, {"resources", d.aggregated}, {"freshness", "Current"}});
    }
    json::object item{{"metadata", json::object{{"name", g}}}, {"versions", agg_versions}};
    if (g.empty()) {
      agg_core.push_back(std::move(item));
      continue;
    }
    json::object group{{"name", g},
                       {"versions", vlist},
                       {"preferredVersion", vlist.front()}};
    groups_["/apis/" + g] = json::serialize(
        json::object{{"kind", "APIGroup"}, {"apiVersion", "v1"}, {"name", g},
                     {"versions", vlist}, {"preferredVersion", vlist.front()}});
    groups.push_back(std::move(group));
    agg_groups.push_back(std::move(item));
  }
  group_list_ = json::serialize(
      json::object{{"kind", "APIGroupList"}, {"apiVersion", "v1"}, {"groups", groups}});
  auto agg = [](json::array items) {
    return json::serialize(json::object{{"kind", "APIGroupDiscoveryList"},
                                        {"apiVersion", "apidiscovery.k8s.io/v2"},
                                        {"metadata", json::object()},
                                        {"items", std::move(items)}});
  };
  aggregated_core_ = agg(agg_core);
  aggregated_groups_ = agg(agg_groups);
}

bool Discovery::Serve(const Request& req, Response* out) const {
  std::string path = req.path;
  while (path.size() > 1 && path.back() == '/') path.pop_back();
  bool aggregated = false;
  if (path == "/api" || path == "/apis") {
    std::string accept = req.Header("accept");
    // Aggregated discovery only when the client lists it (v2) before plain JSON.
    size_t v2 = accept.find("g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList");
    aggregated = v2 != std::string::npos;
  }
  if (path == "/api") {
    out->status = 200;
    if (aggregated) {
      out->content_type = kAggregatedDiscoveryContentType;
      out->body = aggregated_core_;
    } else {
      out->body = api_versions_;
    }
    return true;
  }
  if (path == "/apis") {
    out->status = 200;
    if (aggregated) {
      out->content_type = kAggregatedDiscoveryContentType;
      out->body = aggregated_groups_;
    } else {
      out->body = group_list_;
    }
    return true;
  }
  if (auto it = resource_lists_.find(path); it != resource_lists_.end()) {
    out->status = 200;
    out->body = it->second;
    return true;
  }
  if (auto it = groups_.find(path); it != groups_.end()) {
    out->status = 200;
    out->body = it->second;
    return true;
  }
  return false;
}

}  // namespace berth::apiserver
