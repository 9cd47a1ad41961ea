// ApplySlicePlan: writes one SlicePlan (creates, updates and deletes of EndpointSlices in one
// namespace) through the client and records every write in the WriteTracker under the key, so
// the next Sync can tell whether the informer has caught up. Shared by the EndpointSlice and the
// mirroring controllers.
//
// Every step is attempted; a failed step is skipped (a delete of a slice already gone counts as
// done) and the first failure is returned, so the controller retries the key.
#pragma once

#include <string>

#include "client/interface.h"
#include "controllers/endpointslice/slice_planner.h"
#include "controllers/endpointslice/write_tracker.h"

namespace berth::controllers::endpoints {

Status ApplySlicePlan(client::Interface* client, WriteTracker* tracker, const std::string& key,
                      const std::string& ns, const SlicePlan& plan);

}  // namespace berth::controllers::endpoints
