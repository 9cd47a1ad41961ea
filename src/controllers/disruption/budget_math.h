// The numbers of a PodDisruptionBudget's status, as kube's disruption controller computes them.
// Pure functions, thread-safe.
#pragma once

#include <cstdint>
#include <optional>

#include "common/json.h"
#include "common/status.h"

namespace berth::controllers {

// intstr.GetScaledValueFromIntOrPercent: an integer as is, "N%" as N% of `total` rounded up
// (`round_up`) or down. 400 for anything else.
StatusOr<int64_t> ScaledIntOrPercent(const json::value& v, int64_t total, bool round_up);

// How the budget is expressed, which decides where expectedPods comes from.
enum class BudgetBase {
  kSelectedPods,     // minAvailable as an integer: expectedPods = selected pods
  kControllerScale,  // maxUnavailable or a minAvailable percentage: the owners' replicas
};
BudgetBase BaseOf(const json::object& pdb);

// desiredHealthy for `expected` pods: minAvailable (count, or percentage of expected rounded up),
// or expected - maxUnavailable (percentage rounded up), never below 0; 0 when neither is set.
StatusOr<int64_t> DesiredHealthy(const json::object& pdb, int64_t expected);

// max(0, current - desired), and 0 when nothing is expected.
int64_t DisruptionsAllowed(int64_t current_healthy, int64_t desired_healthy, int64_t expected);

}  // namespace berth::controllers
