#include "scheduler/plugins/node_unschedulable.h"

namespace berth::scheduler {

bool NodeUnschedulableFilter::PreFilter(CycleState& state) const {
  Taint t;
  t.key = "node.kubernetes.io/unschedulable";
  t.effect = TaintEffect::kNoSchedule;
  // A pod tolerating cordons fits every node as far as this plugin is concerned.
  return !Tolerated(state.pod().tolerations, t);
}

bool NodeUnschedulableFilter::Filter(const CycleState&, const NodeInfo& node,
                                     Reasons& reasons) const {
  if (!node.unschedulable) return true;
  reasons.push_back(kReasonNodeUnschedulable);
  return false;
}

}  // namespace berth::scheduler
