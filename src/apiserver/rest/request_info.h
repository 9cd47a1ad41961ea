// RequestInfo: what a request path means, following kube-apiserver's rules
// (k8s.io/apiserver RequestInfoFactory): resource vs. non-resource paths,
// namespace, resource, name, subresource and the verb derived from method.
#pragma once

#include <string>
#include <vector>

#include "apiserver/http/request.h"

namespace berth::apiserver {

struct RequestInfo {
  bool is_resource = false;
  std::string path;
  std::string verb;  // get list watch create update patch delete deletecollection
  std::string api_prefix;  // "api" or "apis"
  std::string group;
  std::string version;
  std::string namespace_;
  std::string resource;
  std::string subresource;
  std::string name;
  std::vector<std::string> parts;  // path segments after the resource (for proxy paths)
};

RequestInfo ParseRequestInfo(const Request& req);

}  // namespace berth::apiserver
