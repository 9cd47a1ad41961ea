// ApplySlicePlan / SlicesStale: the write side of the EndpointSlice and mirroring controllers.
//
// ApplySlicePlan writes one SlicePlan (creates, updates and deletes of EndpointSlices in one
// namespace) through the client and records every write in the WriteTracker under the key, so
// the next Sync can tell whether the informer has caught up. Shared by the EndpointSlice and the
// mirroring controllers.
//
// Every step is attempted; a failed step is skipped (a delete of a slice already gone counts as
// done) and the first failure is returned, so the controller retries the key.
#pragma once

#include <string>

#include "client/interface.h"
#include "controller/informer.h"
#include "controllers/endpointslice/slice_planner.h"
#include "controllers/endpointslice/write_tracker.h"

namespace berth::controllers::endpoints {

Status ApplySlicePlan(client::Interface* client, WriteTracker* tracker, const std::string& key,
                      const std::string& ns, const SlicePlan& plan);

// True while the slices cache (an EndpointSlice informer) does not yet reflect the writes
// recorded for `key` in namespace `ns` (WriteTracker::Stale; a slice the cache still holds
// after its delete is checked against the server). A stale Sync should return and wait for
// the informer event that queues the key again.
bool SlicesStale(client::Interface* client, controller::Informer* slices, WriteTracker* tracker,
                 const std::string& key, const std::string& ns);

}  // namespace berth::controllers::endpoints
