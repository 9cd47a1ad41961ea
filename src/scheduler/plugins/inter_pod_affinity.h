// InterPodAffinity: required pod affinity / anti-affinity of the incoming pod and required
// anti-affinity of existing pods (filter), preferred terms of both sides (score), by
// topologyKey domains. kube's rules: a pod whose required affinity matches no existing pod may
// still go anywhere when its terms select the pod itself (the first pod of a group); nodes
// lacking an affinity term's topology key never fit.
// The work is skipped when neither the pod nor any existing pod has terms.
#pragma once

#include "scheduler/framework.h"

namespace berth::scheduler {

inline constexpr std::string_view kReasonPodAffinity = "node(s) didn't match pod affinity rules";
inline constexpr std::string_view kReasonPodAntiAffinity =
    "node(s) didn't match pod anti-affinity rules";
inline constexpr std::string_view kReasonExistingAntiAffinity =
    "node(s) didn't satisfy existing pods anti-affinity rules";

class InterPodAffinityFilter : public FilterPlugin {
 public:
  std::string_view Name() const override { return "InterPodAffinity"; }
  bool PreFilter(CycleState& state) const override;
  bool Filter(const CycleState& state, const NodeInfo& node, Reasons& reasons) const override;
};

// Existing pods' required affinity terms matching the incoming pod count with this weight
// (kube's hardPodAffinityWeight, default 1).
class InterPodAffinityScore : public ScorePlugin {
 public:
  explicit InterPodAffinityScore(int hard_pod_affinity_weight = 1)
      : hard_weight_(hard_pod_affinity_weight) {}
  std::string_view Name() const override { return "InterPodAffinity"; }
  bool PreScore(CycleState& state, const std::vector<const NodeInfo*>& nodes) const override;
  int64_t Score(const CycleState& state, const NodeInfo& node) const override;
  // Min-max scaling to 0..100 (all 0 when every node scores the same).
  void Normalize(const CycleState& state, const std::vector<const NodeInfo*>& nodes,
                 std::vector<int64_t>& scores) const override;

 private:
  int hard_weight_;
};

}  // namespace berth::scheduler
