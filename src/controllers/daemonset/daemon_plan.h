// The decisions of one DaemonSet sync as a pure function of the cached state: which nodes need a
// pod, which pods go (failed, surplus, misplaced, or replaced by the rolling update), and the
// status counts. See daemonset_controller.h for the rules. Thread-safe.
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "common/clock.h"
#include "common/json.h"
#include "controller/informer.h"

namespace berth::controllers::daemon {

struct Plan {
  std::vector<std::string> create_on;                 // node names
  std::vector<controller::ObjectPtr> delete_pods;     // failed, surplus or misplaced pods
  std::vector<controller::ObjectPtr> failed_pods;     // the failed ones among delete_pods
  std::vector<controller::ObjectPtr> update_deletes;  // old-revision pods the update replaces
  // desiredNumberScheduled, currentNumberScheduled, numberMisscheduled, numberReady,
  // numberAvailable, numberUnavailable, updatedNumberScheduled.
  json::object counts;
  // When a ready pod becomes available (minReadySeconds); max() when none is waiting.
  std::chrono::nanoseconds recheck_after = std::chrono::nanoseconds::max();
};

// `pods` are the pods the DaemonSet controls; `hash` is its current revision's hash.
// `rolling` enables the RollingUpdate step.
Plan PlanDaemonSet(const json::object& ds, const std::vector<controller::ObjectPtr>& nodes,
                   const std::vector<controller::ObjectPtr>& pods, const std::string& hash,
                   bool rolling, Clock::time_point now);

// maxUnavailable of a RollingUpdate DaemonSet against `desired` nodes (count or percentage,
// rounded up; at least 1).
int64_t MaxUnavailable(const json::object& ds, int64_t desired);

}  // namespace berth::controllers::daemon
