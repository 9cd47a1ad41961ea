// Rolling-update arithmetic of Deployments (kube's deployment util): resolving maxSurge and
// maxUnavailable (intstr.IntOrString: a count or "N%") against the desired replica count.
//
// maxSurge rounds percentages up, maxUnavailable rounds them down; when both resolve to 0,
// maxUnavailable becomes 1 so a rollout can always make progress. Pure functions, thread-safe.
#pragma once

#include <cstdint>

#include "common/json.h"

namespace berth::controllers::deployutil {

// The value of an IntOrString `v` (null / absent = 0) scaled against `total`: a number as is,
// "N%" as total*N/100 rounded up or down. Malformed values count as 0.
int64_t ScaledValue(const json::value* v, int64_t total, bool round_up);

struct Fenceposts {
  int64_t max_surge = 0;
  int64_t max_unavailable = 0;
};

// Resolves both bounds for `desired` replicas (kube's ResolveFenceposts).
Fenceposts ResolveFenceposts(const json::value* max_surge, const json::value* max_unavailable,
                             int64_t desired);

// For a Deployment object: true when its strategy is RollingUpdate (the default).
bool IsRollingUpdate(const json::object& deployment);
// Resolved maxSurge of a Deployment (0 for Recreate).
int64_t MaxSurge(const json::object& deployment);
// Resolved maxUnavailable of a Deployment, capped at spec.replicas (0 for Recreate or 0 replicas).
int64_t MaxUnavailable(const json::object& deployment);

}  // namespace berth::controllers::deployutil
