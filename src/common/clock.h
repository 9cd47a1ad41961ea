// Clock: the one way berth code reads time, so tests can inject a manual clock.
// Implementations are safe for concurrent use.
#pragma once

#include <atomic>
#include <chrono>
#include <string>

namespace berth {

class Clock {
 public:
  using time_point = std::chrono::system_clock::time_point;
  virtual ~Clock() = default;
  // Wall-clock time (for timestamps stored in objects).
  virtual time_point Now() const = 0;
  // Monotonic time for intervals and deadlines.
  virtual std::chrono::steady_clock::time_point Monotonic() const = 0;
};

class SystemClock final : public Clock {
 public:
  time_point Now() const override { return std::chrono::system_clock::now(); }
  std::chrono::steady_clock::time_point Monotonic() const override {
    return std::chrono::steady_clock::now();
  }
  // A process-wide instance.
  static SystemClock& Get();
};

// A clock that only moves when told to. Thread-safe.
class ManualClock final : public Clock {
 public:
  explicit ManualClock(time_point start = time_point{} + std::chrono::hours(24 * 365 * 56))
      : now_ns_(start.time_since_epoch().count()) {}
  time_point Now() const override { return time_point(time_point::duration(now_ns_.load())); }
  std::chrono::steady_clock::time_point Monotonic() const override {
    return std::chrono::steady_clock::time_point(
        std::chrono::duration_cast<std::chrono::steady_clock::duration>(Now().time_since_epoch()));
  }
  void Advance(std::chrono::nanoseconds d) {
    now_ns_ += std::chrono::duration_cast<time_point::duration>(d).count();
  }

 private:
  std::atomic<time_point::rep> now_ns_;
};

// RFC 3339 in UTC with second precision: "2026-11-28T04:14:49Z".
std::string FormatRfc3339(Clock::time_point t);
// RFC 3339 with microseconds: "2026-11-28T04:14:49.123456Z" (managedFields, events).
std::string FormatRfc3339Micro(Clock::time_point t);
// Parses RFC 3339 (with or without fractional seconds, 'Z' or an offset).
// Returns false when `s` is not a valid timestamp.
bool ParseRfc3339(const std::string& s, Clock::time_point* out);
// kubectl's human age: "5s", "3m12s", "4h", "2d3h", "10d"... (apimachinery duration.HumanDuration).
std::string HumanDuration(std::chrono::seconds d);

}  // namespace berth
