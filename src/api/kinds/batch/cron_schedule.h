// CronSchedule: parses and evaluates CronJob schedules the way Kubernetes does
// (it uses robfig/cron's standard parser): five fields
//   minute(0-59) hour(0-23) day-of-month(1-31) month(1-12|JAN-DEC) day-of-week(0-6|SUN-SAT)
// each a comma list of `*`, `?`, `n`, `a-b`, optionally followed by `/step`; or a
// descriptor: @yearly @annually @monthly @weekly @daily @midnight @hourly, or
// "@every <Go duration>". A leading "TZ=<zone> " / "CRON_TZ=<zone> " is accepted
// and skipped (CronJob validation refuses it separately).
// Error texts match robfig/cron v3, which is what kubectl users see from a real
// cluster ("expected exactly 5 fields, found 1: [foo]").
// Immutable after parsing; safe to share across threads.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/status.h"

namespace berth::api::batch {

class CronSchedule {
 public:
  using time_point = std::chrono::system_clock::time_point;

  // Parses `spec`; a BadRequest Status whose message is robfig's error text on failure.
  static StatusOr<CronSchedule> Parse(std::string_view spec);

  // The first activation strictly after `t`, evaluated in UTC, or nullopt when
  // none exists within five years (e.g. "0 0 31 2 *").
  std::optional<time_point> Next(time_point t) const;

  bool MinuteSet(int m) const { return (minutes_ >> m) & 1; }
  bool HourSet(int h) const { return (hours_ >> h) & 1; }
  bool DayOfMonthSet(int d) const { return (dom_ >> d) & 1; }
  bool MonthSet(int m) const { return (months_ >> m) & 1; }
  bool DayOfWeekSet(int d) const { return (dow_ >> d) & 1; }
  // The @every interval, zero for calendar schedules.
  std::chrono::seconds every() const { return every_; }

 private:
  bool DayMatches(int dom, int dow) const;

  uint64_t minutes_ = 0;
  uint64_t hours_ = 0;
  uint64_t dom_ = 0;
  uint64_t months_ = 0;
  uint64_t dow_ = 0;
  bool dom_star_ = false;
  bool dow_star_ = false;
  std::chrono::seconds every_{0};
};

}  // namespace berth::api::batch
