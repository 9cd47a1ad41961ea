// PodTopologySpread: topologySpreadConstraints. Filter (whenUnsatisfiable DoNotSchedule):
// placing the pod must keep (matching pods in the node's domain + 1 if the pod itself matches)
// - (fewest matching pods in any eligible domain, or 0 with fewer than minDomains domains)
// within maxSkew; nodes lacking the topology key never fit. Score (ScheduleAnyway): fewer
// matching pods in the node's domains is better, weighted by log(number of domains + 2).
// Counted pods: same namespace, not terminating, selected by the constraint's selector
// (narrowed by matchLabelKeys). Eligible nodes carry every constraint's key and, by default,
// match the pod's nodeSelector/required node affinity (nodeAffinityPolicy) ; taints are
// honoured only with nodeTaintsPolicy: Honor.
// kube's cluster-level default constraints are not applied.
#pragma once

#include "scheduler/framework.h"

namespace berth::scheduler {

inline constexpr std::string_view kReasonSpreadMissingLabel =
    "node(s) didn't match pod topology spread constraints (missing required label)";
inline constexpr std::string_view kReasonSpreadSkew =
    "node(s) didn't match pod topology spread constraints";

class PodTopologySpreadFilter : public FilterPlugin {
 public:
  std::string_view Name() const override { return "PodTopologySpread"; }
  bool PreFilter(CycleState& state) const override;
  bool Filter(const CycleState& state, const NodeInfo& node, Reasons& reasons) const override;
};

class PodTopologySpreadScore : public ScorePlugin {
 public:
  std::string_view Name() const override { return "PodTopologySpread"; }
  bool PreScore(CycleState& state, const std::vector<const NodeInfo*>& nodes) const override;
  int64_t Score(const CycleState& state, const NodeInfo& node) const override;
  void Normalize(const CycleState& state, const std::vector<const NodeInfo*>& nodes,
                 std::vector<int64_t>& scores) const override;
};

}  // namespace berth::scheduler
