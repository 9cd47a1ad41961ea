// TaintToleration: filter on NoSchedule/NoExecute taints the pod does not tolerate (the first
// such taint is the reason, "node(s) had untolerated taint {key: value}"); score: fewer
// untolerated PreferNoSchedule taints is better.
#pragma once

#include "scheduler/framework.h"

namespace berth::scheduler {

class TaintTolerationFilter : public FilterPlugin {
 public:
  std::string_view Name() const override { return "TaintToleration"; }
  bool Filter(const CycleState& state, const NodeInfo& node, Reasons& reasons) const override;
};

class TaintTolerationScore : public ScorePlugin {
 public:
  std::string_view Name() const override { return "TaintToleration"; }
  int64_t Score(const CycleState& state, const NodeInfo& node) const override;
  void Normalize(const CycleState& state, const std::vector<const NodeInfo*>& nodes,
                 std::vector<int64_t>& scores) const override {
    DefaultNormalizeScore(kMaxNodeScore, /*reverse=*/true, scores);
  }
};

}  // namespace berth::scheduler
