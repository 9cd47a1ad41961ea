// Taints and tolerations (core/v1) with Kubernetes' matching rules. Value types.
#pragma once

#include <string>
#include <vector>

#include "common/json.h"

namespace berth::scheduler {

enum class TaintEffect { kNoSchedule, kPreferNoSchedule, kNoExecute, kUnknown };

struct Taint {
  std::string key, value;
  TaintEffect effect = TaintEffect::kUnknown;
  // The filter's reason for this taint, precomputed: "node(s) had untolerated taint {k: v}".
  std::string reason;
};

struct Toleration {
  std::string key;
  bool exists = false;  // operator Exists (otherwise Equal)
  std::string value;
  bool any_effect = true;  // effect "" matches every effect
  TaintEffect effect = TaintEffect::kUnknown;

  // Kubernetes' ToleratesTaint: effects equal (or empty), key equal (or empty with Exists),
  // and Exists or equal values.
  bool Tolerates(const Taint& taint) const;
};

TaintEffect ParseTaintEffect(std::string_view s);
// spec.taints of a Node; entries without a key are skipped.
std::vector<Taint> ParseTaints(const json::value* taints);
std::vector<Toleration> ParseTolerations(const json::value* tolerations);
// True when any toleration tolerates `taint`.
bool Tolerated(const std::vector<Toleration>& tolerations, const Taint& taint);

}  // namespace berth::scheduler
