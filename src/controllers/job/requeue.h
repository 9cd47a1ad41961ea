// Requeueing a key for a wall-clock instant computed during a sync.
#pragma once

#include <string>

#include "common/clock.h"
#include "controller/work_queue.h"

namespace berth::controllers {

// Queues `key` to be processed at `when`, a time computed from `sync_now` (the clock reading the
// sync decided on). WorkQueue::AddAfter measures its delay from the clock at the call, so if the
// clock moved since `sync_now` (a ManualClock advanced by a test, or a slow sync), the key is
// also queued at once and the next sync decides at the new time — a wake-up is never lost.
inline void RequeueAt(controller::WorkQueue& queue, const Clock& clock, const std::string& key,
                      Clock::time_point when, Clock::time_point sync_now) {
  queue.AddAfter(key, when - sync_now);
  if (clock.Now() != sync_now) queue.Add(key);
}

}  // namespace berth::controllers
