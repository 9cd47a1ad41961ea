// Reading container logs written in the CRI format by the runtime's shim:
//   <RFC3339Nano timestamp> <stdout|stderr> <F|P> <text>
// ('P' marks a partial line continued by the next entry). Rotated files (path.1, path.2, ...) are
// read oldest first. Implements the options of `kubectl logs`.
#pragma once

#include <atomic>
#include <functional>
#include <optional>
#include <string>

#include "common/clock.h"
#include "common/status.h"

namespace berth::agent {

struct LogOptions {
  bool timestamps = false;
  std::optional<int64_t> tail_lines;
  std::optional<Clock::time_point> since;
  std::optional<int64_t> limit_bytes;
  bool follow = false;
};

// Writes the log at `path` (plus rotated files) to `out` per `options`. With follow, keeps
// reading new lines until `still_running()` returns false (checked when no data is pending) or
// `out` returns false or `stop` is set.
Status ReadContainerLog(const std::string& path, const LogOptions& options,
                        const std::function<bool(const std::string&)>& out,
                        const std::function<bool()>& still_running,
                        const std::atomic<bool>* stop);

}  // namespace berth::agent
