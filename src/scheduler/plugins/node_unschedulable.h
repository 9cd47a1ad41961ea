// NodeUnschedulable: cordoned nodes (spec.unschedulable) take no pods unless the pod tolerates
// node.kubernetes.io/unschedulable:NoSchedule.
#pragma once

#include "scheduler/framework.h"

namespace berth::scheduler {

inline constexpr std::string_view kReasonNodeUnschedulable = "node(s) were unschedulable";

class NodeUnschedulableFilter : public FilterPlugin {
 public:
  std::string_view Name() const override { return "NodeUnschedulable"; }
  bool PreFilter(CycleState& state) const override;
  bool Filter(const CycleState& state, const NodeInfo& node, Reasons& reasons) const override;
};

}  // namespace berth::scheduler
