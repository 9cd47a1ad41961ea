// NodeAffinity: filter on spec.nodeSelector and required node affinity; score: the sum of the
// weights of the matching preferred terms, scaled to 0..100 by the best node.
#pragma once

#include "scheduler/framework.h"

namespace berth::scheduler {

inline constexpr std::string_view kReasonNodeAffinity =
    "node(s) didn't match Pod's node affinity/selector";

class NodeAffinityFilter : public FilterPlugin {
 public:
  std::string_view Name() const override { return "NodeAffinity"; }
  bool PreFilter(CycleState& state) const override {
    return !state.pod().node_selector.empty() || state.pod().required_node_affinity.has_value();
  }
  bool Filter(const CycleState& state, const NodeInfo& node, Reasons& reasons) const override {
    if (state.pod().MatchesNodeSelectorAndAffinity(node.labels, node.name)) return true;
    reasons.push_back(kReasonNodeAffinity);
    return false;
  }
};

class NodeAffinityScore : public ScorePlugin {
 public:
  std::string_view Name() const override { return "NodeAffinity"; }
  bool PreScore(CycleState& state, const std::vector<const NodeInfo*>&) const override {
    return !state.pod().preferred_node_affinity.empty();
  }
  int64_t Score(const CycleState& state, const NodeInfo& node) const override {
    int64_t sum = 0;
    for (const auto& t : state.pod().preferred_node_affinity) {
      if (t.preference.Matches(node.labels, node.name)) sum += t.weight;
    }
    return sum;
  }
  void Normalize(const CycleState&, const std::vector<const NodeInfo*>&,
                 std::vector<int64_t>& scores) const override {
    DefaultNormalizeScore(kMaxNodeScore, /*reverse=*/false, scores);
  }
};

}  // namespace berth::scheduler
