// Server-side Table printing (meta.k8s.io/v1 Table), which is what makes
// `kubectl get` show type-specific columns.
#pragma once

#include <boost/json.hpp>
#include <vector>

#include "api/resource.h"
#include "apiserver/http/request.h"

namespace berth::apiserver {

enum class IncludeObject { kNone, kMetadata, kObject };

// True when the Accept header asks for `as=Table;g=meta.k8s.io`.
bool WantsTable(const Request& req);
// True when every media type of the Accept header is a transformed one (`as=Table`,
// `as=PartialObjectMetadata`...): a response that has no such form must then be 406 Not Acceptable.
bool AcceptsOnlyTransformed(const Request& req);
// From ?includeObject=None|Metadata|Object (default Metadata).
IncludeObject ParseIncludeObject(const Request& req);
constexpr const char* kTableContentType = "application/json;as=Table;v=v1;g=meta.k8s.io";

// A Table of `items`. Rows carry the object as PartialObjectMetadata (or the
// whole object, or nothing) per `include`. Columns are omitted when
// `with_columns` is false (watch events after the first).
boost::json::object BuildTable(const api::ResourceType& t,
                               const std::vector<const boost::json::object*>& items,
                               const api::HookContext& ctx, IncludeObject include,
                               bool with_columns = true);

}  // namespace berth::apiserver
