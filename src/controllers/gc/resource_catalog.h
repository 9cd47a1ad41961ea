// ResourceCatalog: the API resources the garbage collector tracks, learned from API discovery
// (GET /api/v1, GET /apis, GET /apis/<group>/<version>).
//
// A resource is tracked when it supports list, watch and delete, is not a subresource
// ("pods/status") and is not an event. Owner references are resolved through the catalog:
// apiVersion + kind -> the resource's paths, for every version a group serves. One version per
// group and resource is watched (the first one discovery lists), so an object is seen once.
//
// Immutable after Discover; safe to share across threads.
#pragma once

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "client/interface.h"
#include "common/status.h"

namespace berth::controllers::gc {

struct ApiResource {
  std::string group;    // "" for core
  std::string version;  // "v1"
  std::string plural;   // "replicasets"
  std::string kind;     // "ReplicaSet"
  bool namespaced = true;

  std::string ApiVersion() const { return group.empty() ? version : group + "/" + version; }
  // "/api/v1/pods", "/apis/apps/v1/replicasets": every object of the resource.
  std::string CollectionPath() const;
  // The path of one object; `ns` is ignored for cluster-scoped resources.
  std::string ObjectPath(const std::string& ns, const std::string& name) const;
};

class ResourceCatalog {
 public:
  // Asks the server's discovery. Errors of the client are returned as they are; a group version
  // whose list cannot be read is skipped.
  static StatusOr<ResourceCatalog> Discover(client::Interface* client);
  // Builds a catalog from known resources (tests). The first of each group/plural is watched.
  static ResourceCatalog FromResources(std::vector<ApiResource> resources);

  // The resource of apiVersion ("apps/v1") and kind, or null when the server does not serve it.
  const ApiResource* Find(const std::string& api_version, const std::string& kind) const;
  // The resources to watch (one version each).
  const std::vector<ApiResource>& Watched() const { return watched_; }

 private:
  std::vector<ApiResource> watched_;
  std::map<std::pair<std::string, std::string>, ApiResource> by_kind_;  // (apiVersion, kind)
};

}  // namespace berth::controllers::gc
