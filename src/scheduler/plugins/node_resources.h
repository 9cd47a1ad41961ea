// NodeResourcesFit (filter: requests against allocatable minus what the node's pods request,
// and the pod count; score: LeastAllocated over cpu and memory) and
// NodeResourcesBalancedAllocation (score: cpu and memory fractions close to each other).
#pragma once

#include "scheduler/framework.h"

namespace berth::scheduler {

inline constexpr std::string_view kReasonTooManyPods = "Too many pods";
inline constexpr std::string_view kReasonInsufficientCpu = "Insufficient cpu";
inline constexpr std::string_view kReasonInsufficientMemory = "Insufficient memory";
inline constexpr std::string_view kReasonInsufficientEphemeral = "Insufficient ephemeral-storage";

class NodeResourcesFitFilter : public FilterPlugin {
 public:
  std::string_view Name() const override { return "NodeResourcesFit"; }
  bool PreFilter(CycleState& state) const override;
  // Every shortage is reported ("Insufficient cpu" and "Insufficient memory" together).
  bool Filter(const CycleState& state, const NodeInfo& node, Reasons& reasons) const override;
};

// (allocatable - requested) / allocatable, averaged over cpu and memory, using kube's non-zero
// requests (100m / 200Mi for containers requesting nothing).
class LeastAllocatedScore : public ScorePlugin {
 public:
  std::string_view Name() const override { return "NodeResourcesFit"; }
  int64_t Score(const CycleState& state, const NodeInfo& node) const override;
};

// (1 - |cpu fraction - memory fraction| / 2) * 100, fractions capped at 1. Skipped for pods
// requesting neither cpu nor memory.
class BalancedAllocationScore : public ScorePlugin {
 public:
  std::string_view Name() const override { return "NodeResourcesBalancedAllocation"; }
  bool PreScore(CycleState& state, const std::vector<const NodeInfo*>& nodes) const override;
  int64_t Score(const CycleState& state, const NodeInfo& node) const override;
};

}  // namespace berth::scheduler
