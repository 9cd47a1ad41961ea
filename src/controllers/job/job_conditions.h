// Job status conditions (Complete, Failed, Suspended, SuccessCriteriaMet, FailureTarget):
// reading and setting them in a status object the way the Kubernetes Job controller does
// (lastProbeTime/lastTransitionTime, transition time kept when the status does not change).
// Pure functions over JSON, thread-safe.
#pragma once

#include <string>

#include "common/clock.h"
#include "common/json.h"

namespace berth::controllers {

// The condition of `type` in status.conditions of `job`, or null.
const json::object* FindJobCondition(const json::object& job, const std::string& type);
// True when `job` has the condition `type` with status "True".
bool JobConditionTrue(const json::object& job, const std::string& type);
// True when the Job has finished: Complete or Failed is True.
bool IsJobFinished(const json::object& job);
// When the Job finished (the Complete/Failed condition's lastTransitionTime, else
// status.completionTime); false when it has not finished.
bool JobFinishTime(const json::object& job, Clock::time_point* at);

// Sets condition `type` in `status` (a JobStatus object). Returns true when something changed.
// lastTransitionTime moves only when `cond_status` changes; lastProbeTime is always `now`
// when anything changed.
bool SetJobCondition(json::object& status, const std::string& type, const std::string& cond_status,
                     const std::string& reason, const std::string& message, Clock::time_point now);

}  // namespace berth::controllers
