// API discovery documents, legacy (/api, /apis, /api/v1, /apis/<g>/<v>) and
// aggregated (apidiscovery.k8s.io/v2), computed once from the Registry plus
// the server's non-stored APIs (authorization reviews).
#pragma once

#include <map>
#include <string>

#include "api/resource.h"
#include "apiserver/http/request.h"

namespace berth::apiserver {

constexpr const char* kAggregatedDiscoveryContentType =
    "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList";

class Discovery {
 public:
  explicit Discovery(const api::Registry& registry);
  // Answers /api, /apis, /api/v1, /apis/<g>, /apis/<g>/<v>; false if `path`
  // is not a discovery path.
  bool Serve(const Request& req, Response* out) const;

 private:
  std::string api_versions_;
  std::string group_list_;
  std::string aggregated_core_;
  std::string aggregated_groups_;
  std::map<std::string, std::string> resource_lists_;  // "/api/v1" -> APIResourceList
  std::map<std::string, std::string> groups_;          // "/apis/apps" -> APIGroup
};

}  // namespace berth::apiserver
