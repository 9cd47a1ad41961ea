// When a CronJob should have run: the most recent scheduled time in (earliest, now] and the
// next one after now. Schedules are evaluated in UTC (berth does not read spec.timeZone yet).
// Pure functions, thread-safe.
#pragma once

#include <optional>

#include "api/kinds/batch/cron_schedule.h"
#include "common/clock.h"

namespace berth::controllers {

struct ScheduleTimes {
  // The latest activation t with earliest < t <= now, if any.
  std::optional<Clock::time_point> most_recent;
  // The first activation after now, if any within the schedule's horizon.
  std::optional<Clock::time_point> next;
};

// Finds the times without walking every missed activation (a "* * * * *" CronJob that was
// stopped for a year costs a few dozen evaluations, not half a million). "@every d" schedules
// tick at earliest + k*d.
ScheduleTimes ComputeScheduleTimes(const api::batch::CronSchedule& schedule,
                                   Clock::time_point earliest, Clock::time_point now);

}  // namespace berth::controllers
