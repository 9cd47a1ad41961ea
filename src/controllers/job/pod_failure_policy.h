// Job spec.podFailurePolicy: which rule, if any, a failed pod matches (batch/v1 semantics).
//
// Rules are tried in order; the first that matches decides:
//  - onExitCodes: a container (init containers first, then app containers; only the one named
//    by containerName when set) that terminated with a non-zero exit code that is In / NotIn
//    the rule's values;
//  - onPodConditions: the pod has a condition of that type with that status (default "True").
// Rules with an unknown action are skipped. FailIndex needs backoffLimitPerIndex, which berth's
// Job controller does not implement: it is treated as Count.
//
// Pure functions over JSON, thread-safe.
#pragma once

#include <string>

#include "common/json.h"

namespace berth::controllers {

enum class FailureAction { kCount, kIgnore, kFailJob };

struct FailureMatch {
  FailureAction action = FailureAction::kCount;  // kCount also when no rule matched
  // For kFailJob, the Job's failure message, as kube words it, e.g.
  // "Container main for pod ns/p-0 failed with exit code 1 matching FailJob rule at index 0".
  std::string message;
};

// True when the Job spec has a podFailurePolicy with at least one rule.
bool HasPodFailurePolicy(const json::object& job_spec);

// The decision of the Job spec's policy for `pod` (which has failed).
FailureMatch MatchPodFailurePolicy(const json::object& job_spec, const json::object& pod);

}  // namespace berth::controllers
