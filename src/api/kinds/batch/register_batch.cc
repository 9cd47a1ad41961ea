#include "api/kinds/batch/batch_types.h"
#include "api/kinds/kinds.h"

namespace berth::api {

void RegisterBatchKinds(Registry& r) {
  r.Add(batch::CronJobType());
  r.Add(batch::JobType());
}

}  // namespace berth::api
