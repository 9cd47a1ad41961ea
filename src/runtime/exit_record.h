// ExitRecord: the exit file a container's shim writes (atomically, via rename) when the container
// process ends or fails to start. Its appearance is the runtime's exit notification.
// Pure functions; thread-safe.
#pragma once

#include <string>

#include "common/status.h"
#include "runtime/runtime.h"

namespace berth::runtime {

struct ExitRecord {
  int exit_code = 0;          // 128+signal when killed; 128 for a start failure
  Clock::time_point started_at{};
  Clock::time_point finished_at{};
  bool oom_killed = false;
  bool start_failed = false;  // runc could not start the process
  std::string message;        // runc's error for a start failure
};

Status WriteExitRecord(const std::string& path, const ExitRecord& record);
// NotFound when the file does not exist.
StatusOr<ExitRecord> ReadExitRecord(const std::string& path);

}  // namespace berth::runtime
