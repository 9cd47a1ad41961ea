// The batch/v1 kinds (job.cc, cronjob.cc), registered by RegisterBatchKinds
// in discovery order (cronjobs, jobs — as a real server lists them).
#pragma once

#include "api/resource.h"

namespace berth::api::batch {

ResourceType JobType();
ResourceType CronJobType();

}  // namespace berth::api::batch
