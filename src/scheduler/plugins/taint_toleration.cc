#include "scheduler/plugins/taint_toleration.h"

namespace berth::scheduler {

bool TaintTolerationFilter::Filter(const CycleState& state, const NodeInfo& node,
                                   Reasons& reasons) const {
  for (const Taint& t : node.taints) {
    if (t.effect != TaintEffect::kNoSchedule && t.effect != TaintEffect::kNoExecute) continue;
    if (!Tolerated(state.pod().tolerations, t)) {
      reasons.push_back(t.reason);
      return false;
    }
  }
  return true;
}

int64_t TaintTolerationScore::Score(const CycleState& state, const NodeInfo& node) const {
  int64_t count = 0;
  for (const Taint& t : node.taints) {
    if (t.effect != TaintEffect::kPreferNoSchedule) continue;
    bool tolerated = false;
    for (const Toleration& tol : state.pod().tolerations) {
      // Only tolerations with an empty effect or PreferNoSchedule count here.
      if (!tol.any_effect && tol.effect != TaintEffect::kPreferNoSchedule) continue;
      if (tol.Tolerates(t)) {
        tolerated = true;
        break;
      }
    }
    if (!tolerated) count++;
  }
  return count;
}

}  // namespace berth::scheduler
