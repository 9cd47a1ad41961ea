// NodePorts: a pod's host ports must be free on the node (same protocol and port conflict when
// the host IPs are equal or either is 0.0.0.0).
#pragma once

#include "scheduler/framework.h"

namespace berth::scheduler {

inline constexpr std::string_view kReasonNodePorts =
    "node(s) didn't have free ports for the requested pod ports";

class NodePortsFilter : public FilterPlugin {
 public:
  std::string_view Name() const override { return "NodePorts"; }
  bool PreFilter(CycleState& state) const override { return !state.pod().host_ports.empty(); }
  bool Filter(const CycleState& state, const NodeInfo& node, Reasons& reasons) const override {
    for (const auto& want : state.pod().host_ports) {
      for (const auto& used : node.used_ports) {
        if (want.ConflictsWith(used)) {
          reasons.push_back(kReasonNodePorts);
          return false;
        }
      }
    }
    return true;
  }
};

}  // namespace berth::scheduler
