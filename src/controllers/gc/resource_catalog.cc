#include "controllers/gc/resource_catalog.h"

#include <algorithm>
#include <set>

#include "common/json.h"

namespace berth::controllers::gc {

namespace {

bool HasVerbs(const json::object& r) {
  const json::value* verbs = r.if_contains("verbs");
  if (!verbs || !verbs->is_array()) return false;
  int found = 0;
  for (const auto& v : verbs->as_array()) {
    if (!v.is_string()) continue;
    std::string_view s = v.get_string();
    if (s == "list" || s == "watch" || s == "delete") ++found;
  }
  return found == 3;
}

// The tracked resources of one APIResourceList.
void AddResourceList(const std::string& group, const std::string& version,
                     const json::value& list, std::vector<ApiResource>* out) {
  const json::value* items = GetPath(list, {"resources"});
  if (!items || !items->is_array()) return;
  for (const auto& item : items->as_array()) {
    if (!item.is_object()) continue;
    const json::object& r = item.as_object();
    std::string name = GetString(r, {"name"});
    if (name.empty() || name.find('/') != std::string::npos || name == "events") continue;
    if (!HasVerbs(r)) continue;
    ApiResource res;
    res.group = group;
    res.version = version;
    res.plural = name;
    res.kind = GetString(r, {"kind"});
    const json::value* ns = r.if_contains("namespaced");
    res.namespaced = ns && ns->is_bool() && ns->as_bool();
    out->push_back(std::move(res));
  }
}

}  // namespace

std::string ApiResource::CollectionPath() const {
  return (group.empty() ? "/api/" + version : "/apis/" + group + "/" + version) + "/" + plural;
}

std::string ApiResource::ObjectPath(const std::string& ns, const std::string& name) const {
  std::string base = group.empty() ? "/api/" + version : "/apis/" + group + "/" + version;
  if (namespaced) base += "/namespaces/" + ns;
  return base + "/" + plural + "/" + name;
}

StatusOr<ResourceCatalog> ResourceCatalog::Discover(client::Interface* client) {
  std::vector<ApiResource> all;
  auto core = client->Get("/api/v1");
  if (!core.ok()) return core.status();
  AddResourceList("", "v1", *core, &all);
  auto groups = client->Get("/apis");
  if (!groups.ok()) return groups.status();
  const json::value* list = GetPath(*groups, {"groups"});
  if (list && list->is_array()) {
    for (const auto& g : list->as_array()) {
      std::string group = GetString(g, {"name"});
      const json::value* versions = GetPath(g, {"versions"});
      if (group.empty() || !versions || !versions->is_array()) continue;
      // The preferred version first, so it is the one watched.
      std::vector<std::string> order;
      std::string preferred = GetString(g, {"preferredVersion", "version"});
      if (!preferred.empty()) order.push_back(preferred);
      for (const auto& v : versions->as_array()) {
        std::string ver = GetString(v, {"version"});
        if (!ver.empty() && std::find(order.begin(), order.end(), ver) == order.end()) {
          order.push_back(ver);
        }
      }
      for (const auto& ver : order) {
        auto rl = client->Get("/apis/" + group + "/" + ver);
        if (!rl.ok()) continue;
        AddResourceList(group, ver, *rl, &all);
      }
    }
  }
  return FromResources(std::move(all));
}

ResourceCatalog ResourceCatalog::FromResources(std::vector<ApiResource> resources) {
  ResourceCatalog c;
  std::set<std::pair<std::string, std::string>> watched;  // (group, plural)
  for (auto& r : resources) {
    c.by_kind_.emplace(std::make_pair(r.ApiVersion(), r.kind), r);
    if (watched.insert({r.group, r.plural}).second) c.watched_.push_back(r);
  }
  return c;
}

const ApiResource* ResourceCatalog::Find(const std::string& api_version,
                                         const std::string& kind) const {
  auto it = by_kind_.find({api_version, kind});
  return it == by_kind_.end() ? nullptr : &it->second;
}

}  // namespace berth::controllers::gc
