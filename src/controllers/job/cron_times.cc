#include "controllers/job/cron_times.h"

#include <algorithm>

namespace berth::controllers {

ScheduleTimes ComputeScheduleTimes(const api::batch::CronSchedule& schedule,
                                   Clock::time_point earliest, Clock::time_point now) {
  using std::chrono::minutes;
  using std::chrono::seconds;
  ScheduleTimes out;
  if (schedule.every() > seconds(0)) {
    const auto every = std::chrono::duration_cast<Clock::time_point::duration>(schedule.every());
    const auto base = std::chrono::floor<seconds>(earliest);
    if (now >= base + every) {
      auto k = (now - base) / every;
      out.most_recent = base + k * every;
      out.next = *out.most_recent + every;
    } else {
      out.next = base + every;
    }
    return out;
  }
  out.next = schedule.Next(now);
  if (earliest >= now) return out;
  std::optional<Clock::time_point> first = schedule.Next(earliest);
  if (!first || *first > now) return out;
  // Some activation lies in (earliest, now]: look back from now in doubling windows for the
  // latest one, then walk forward within the window.
  for (Clock::time_point::duration window = minutes(1);; window *= 2) {
    Clock::time_point start = std::max(earliest, now - window);
    std::optional<Clock::time_point> t = schedule.Next(start);
    if (t && *t <= now) {
      Clock::time_point cur = *t;
      for (auto n = schedule.Next(cur); n && *n <= now; n = schedule.Next(cur)) cur = *n;
      out.most_recent = cur;
      return out;
    }
    if (start == earliest) return out;  // cannot happen: `first` is in range
  }
}

}  // namespace berth::controllers
