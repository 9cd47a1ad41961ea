// Removes fields the schema does not know (what kube-apiserver's decoder
// drops in Warn and Ignore field-validation modes).
#pragma once

#include <boost/json.hpp>

#include "api/schema/schema.h"

namespace berth::apiserver {

void PruneUnknownFields(const api::Schema& schema, boost::json::value& v);

}  // namespace berth::apiserver
