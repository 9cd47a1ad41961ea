// Paths: the OpenAPI v3 `paths` entries kube-apiserver publishes for one
// resource: list/create/deletecollection on the collection, get/replace/
// patch/delete on `{name}`, the all-namespaces list, watch endpoints, and the
// /status and /scale subresources. Every operation carries
// x-kubernetes-group-version-kind and x-kubernetes-action, kube's query
// parameters (fieldValidation, fieldManager, dryRun, force on PATCH...) and
// responses that reference components.schemas.
//
// Pure functions; never throw.
#pragma once

#include <boost/json.hpp>
#include <map>
#include <string>

#include "api/resource.h"

namespace berth::api::openapi {

namespace json = boost::json;

// "/api/v1" or "/apis/apps/v1".
std::string ApiPrefix(const std::string& group, const std::string& version);

// Adds every path of `rt` to `paths` (path -> path item). `kind_ref` and
// `list_ref` are the component names of the kind and its List.
void AddResourcePaths(const ResourceType& rt, const std::string& kind_ref,
                      const std::string& list_ref, std::map<std::string, json::object>& paths);

}  // namespace berth::api::openapi
