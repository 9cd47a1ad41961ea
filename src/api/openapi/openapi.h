// OpenAPI v3 publishing: the documents kube-apiserver serves at /openapi/v3
// and /openapi/v3/<api|apis/group>/<version>, generated from the Registry's
// ResourceTypes and their Schema trees. kubectl uses them to
//   * decide it may send fieldValidation=Strict (PATCH operations list that
//     parameter) for apply / create -f / edit, and
//   * print `kubectl explain` (components.schemas with GVK extensions).
//
// Thread-safety: every function is safe to call concurrently. Documents are
// generated on first use per (registry, group, version) and cached for the
// life of the process; a Registry must not change after it is first passed in.
// Errors: none thrown; an unknown group-version gives an empty result.
#pragma once

#include <boost/json.hpp>
#include <string>

#include "api/resource.h"

namespace berth::api::openapi {

namespace json = boost::json;

// "api/v1" for the core group, "apis/<group>/<version>" otherwise: the key
// under `paths` in the root document and the URL suffix after /openapi/v3/.
std::string GroupVersionKey(const std::string& group, const std::string& version);

// The /openapi/v3 discovery document:
//   {"paths":{"api/v1":{"serverRelativeURL":"/openapi/v3/api/v1?hash=<HASH>"}, ...}}
// with one entry per group-version that has resources, HASH being the
// uppercase hex SHA-512 of that group-version's serialized document.
json::value Root(const Registry& registry);

// The serialized OpenAPI v3 document of one group-version ("" group = core),
// or "" when the registry has no resource in it. Cached.
std::string GroupVersionDocument(const Registry& registry, const std::string& group,
                                 const std::string& version);

// The hash published in Root() for that document ("" when it does not exist).
std::string GroupVersionHash(const Registry& registry, const std::string& group,
                             const std::string& version);

// Uncached generation of the document (what GroupVersionDocument serializes);
// null when the group-version has no resources.
json::value BuildGroupVersionDocument(const Registry& registry, const std::string& group,
                                      const std::string& version);

// Uppercase hex SHA-512 of `text`.
std::string Sha512Hex(const std::string& text);

}  // namespace berth::api::openapi
