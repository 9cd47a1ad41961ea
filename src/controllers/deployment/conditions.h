// Status conditions of Deployments and ReplicaSets, with Kubernetes' update rules: setting a
// condition whose status and reason are unchanged is a no-op (timestamps kept); a condition whose
// status is unchanged keeps its lastTransitionTime. Pure functions, thread-safe.
#pragma once

#include <string>

#include "common/clock.h"
#include "common/json.h"

namespace berth::controllers::deployutil {

// The condition of `type` in status.conditions, or null.
const json::object* GetCondition(const json::object& status, const std::string& type);
// A new condition stamped `now`. `with_update_time` adds lastUpdateTime (Deployments have it,
// ReplicaSets do not).
json::object NewCondition(const std::string& type, const std::string& status,
                          const std::string& reason, const std::string& message,
                          Clock::time_point now, bool with_update_time = true);
// Sets `cond` in status.conditions by the rules above (new ones go last).
void SetCondition(json::object& status, json::object cond);
void RemoveCondition(json::object& status, const std::string& type);

}  // namespace berth::controllers::deployutil
