// NodeName: a pod with spec.nodeName fits only the node of that name.
#pragma once

#include "scheduler/framework.h"

namespace berth::scheduler {

inline constexpr std::string_view kReasonNodeName = "node(s) didn't match the requested node name";

class NodeNameFilter : public FilterPlugin {
 public:
  std::string_view Name() const override { return "NodeName"; }
  bool PreFilter(CycleState& state) const override { return !state.pod().node_name.empty(); }
  bool Filter(const CycleState& state, const NodeInfo& node, Reasons& reasons) const override {
    if (node.name == state.pod().node_name) return true;
    reasons.push_back(kReasonNodeName);
    return false;
  }
};

}  // namespace berth::scheduler
