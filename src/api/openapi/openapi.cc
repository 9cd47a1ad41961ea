#include "api/openapi/openapi.h"

#include <openssl/evp.h>

#include <algorithm>
#include <map>
#include <mutex>
#include <utility>
#include <vector>

#include "api/openapi/components.h"
#include "api/openapi/meta_types.h"
#include "api/openapi/paths.h"

namespace berth::api::openapi {

std::string GroupVersionKey(const std::string& group, const std::string& version) {
  return group.empty() ? "api/" + version : "apis/" + group + "/" + version;
}

std::string Sha512Hex(const std::string& text) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (EVP_Digest(text.data(), text.size(), digest, &len, EVP_sha512(), nullptr) != 1) return "";
  static const char* kHex = "0123456789ABCDEF";
  std::string out;
  out.reserve(len * 2);
  for (unsigned int i = 0; i < len; ++i) {
    out.push_back(kHex[digest[i] >> 4]);
    out.push_back(kHex[digest[i] & 0xF]);
  }
  return out;
}

namespace {

// Distinct group/versions in registry order.
std::vector<std::pair<std::string, std::string>> GroupVersionsOf(const Registry& registry) {
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& t : registry.All()) {
    std::pair<std::string, std::string> gv{t->group, t->version};
    if (std::find(out.begin(), out.end(), gv) == out.end()) out.push_back(std::move(gv));
  }
  return out;
}

// "io.k8s.api.apps.v1" style package prefix when a kind schema has no name.
std::string DerivedKindName(const ResourceType& rt) {
  std::string group = rt.group.empty() ? "core" : rt.group.substr(0, rt.group.find('.'));
  return "io.k8s.api." + group + "." + rt.version + "." + rt.kind;
}

std::string ReplaceLastSegment(const std::string& name, const std::string& last) {
  size_t dot = name.rfind('.');
  return dot == std::string::npos ? last : name.substr(0, dot + 1) + last;
}

}  // namespace

json::value BuildGroupVersionDocument(const Registry& registry, const std::string& group,
                                      const std::string& version) {
  std::vector<ResourceTypePtr> types;
  for (const auto& t : registry.All()) {
    if (t->group == group && t->version == version) types.push_back(t);
  }
  if (types.empty()) return nullptr;

  ComponentSet set;
  AddMetaTypes(set);
  std::map<std::string, json::object> paths;
  bool any_scale = false;
  for (const auto& t : types) {
    const ResourceType& rt = *t;
    std::string kind_name =
        rt.schema && !rt.schema->name.empty() ? rt.schema->name : DerivedKindName(rt);
    if (rt.schema) {
      set.AddNamed(kind_name, *rt.schema)["x-kubernetes-group-version-kind"] =
          GvkList(rt.group, rt.version, rt.kind);
    } else {
      json::object body;
      body["type"] = "object";
      body["x-kubernetes-preserve-unknown-fields"] = true;
      body["x-kubernetes-group-version-kind"] = GvkList(rt.group, rt.version, rt.kind);
      set.AddRaw(kind_name, std::move(body));
    }
    std::string list_kind = rt.list_kind.empty() ? rt.kind + "List" : rt.list_kind;
    std::string list_name = ReplaceLastSegment(kind_name, list_kind);
    auto item_schema = rt.schema ? rt.schema : Object(kind_name, "", {});
    auto list = Object(list_name, "A list of " + rt.kind + " objects.",
                       {
                           F("apiVersion", String(), "The versioned schema of this list."),
                           Req("items", ListOf(item_schema), "The " + rt.kind + " objects."),
                           F("kind", String(), "The REST type of this list."),
                           F("metadata", ListMetaSchema(), "Standard list metadata."),
                       });
    set.AddNamed(list_name, *list)["x-kubernetes-group-version-kind"] =
        GvkList(rt.group, rt.version, list_kind);
    any_scale = any_scale || rt.scale.has_value();
    AddResourcePaths(rt, kind_name, list_name, paths);
  }
  if (any_scale) AddScaleTypes(set);

  json::object doc;
  doc["openapi"] = "3.0.0";
  doc["info"] = json::object{{"title", "Kubernetes"}, {"version", "v1.32.5"}};
  json::object paths_json;
  for (auto& [path, item] : paths) paths_json[path] = std::move(item);
  doc["paths"] = std::move(paths_json);
  json::object components;
  components["schemas"] = set.ToJson();
  json::object bearer;
  bearer["type"] = "apiKey";
  bearer["description"] = "Bearer token authentication";
  bearer["name"] = "authorization";
  bearer["in"] = "header";
  components["securitySchemes"] = json::object{{"BearerToken", std::move(bearer)}};
  doc["components"] = std::move(components);
  return doc;
}

namespace {

struct CachedDoc {
  std::string text;  // "" when the group-version has no resources
  std::string hash;
};

struct RegistryCache {
  // The registry's contents when cached: a different registry at a reused
  // address (tests) is detected by comparing these; holding the pointers keeps
  // the old types alive so their addresses cannot be reused.
  std::vector<ResourceTypePtr> snapshot;
  std::map<std::pair<std::string, std::string>, CachedDoc> docs;
};

std::mutex& CacheMutex() {
  static std::mutex* mu = new std::mutex();
  return *mu;
}

std::map<const Registry*, RegistryCache>& Cache() {
  static auto* cache = new std::map<const Registry*, RegistryCache>();
  return *cache;
}

// Requires CacheMutex().
const CachedDoc& Lookup(const Registry& registry, const std::string& group,
                        const std::string& version) {
  RegistryCache& rc = Cache()[&registry];
  if (rc.snapshot != registry.All()) {
    rc.snapshot = registry.All();
    rc.docs.clear();
  }
  auto key = std::make_pair(group, version);
  auto it = rc.docs.find(key);
  if (it != rc.docs.end()) return it->second;
  CachedDoc doc;
  json::value v = BuildGroupVersionDocument(registry, group, version);
  if (!v.is_null()) {
    doc.text = json::serialize(v);
    doc.hash = Sha512Hex(doc.text);
  }
  return rc.docs.emplace(key, std::move(doc)).first->second;
}

}  // namespace

std::string GroupVersionDocument(const Registry& registry, const std::string& group,
                                 const std::string& version) {
  std::lock_guard<std::mutex> lock(CacheMutex());
  return Lookup(registry, group, version).text;
}

std::string GroupVersionHash(const Registry& registry, const std::string& group,
                             const std::string& version) {
  std::lock_guard<std::mutex> lock(CacheMutex());
  return Lookup(registry, group, version).hash;
}

json::value Root(const Registry& registry) {
  json::object paths;
  for (const auto& [group, version] : GroupVersionsOf(registry)) {
    std::string hash = GroupVersionHash(registry, group, version);
    std::string key = GroupVersionKey(group, version);
    paths[key] = json::object{{"serverRelativeURL", "/openapi/v3/" + key + "?hash=" + hash}};
  }
  json::object root;
  root["paths"] = std::move(paths);
  return root;
}

}  // namespace berth::api::openapi
