#include "scheduler/plugins/inter_pod_affinity.h"

#include <algorithm>

#include "scheduler/plugins/topology_counts.h"

namespace berth::scheduler {

namespace {

constexpr std::string_view kFilterKey = "InterPodAffinity/filter";
constexpr std::string_view kScoreKey = "InterPodAffinity/score";

struct FilterState : StateData {
  TopologyCounts existing_anti;  // domains where existing pods' anti-affinity rejects the pod
  TopologyCounts affinity;       // domains with pods matching all of the pod's affinity terms
  TopologyCounts anti;           // domains with pods matching one of the pod's anti terms
};

struct ScoreState : StateData {
  TopologyCounts scores;
};

bool MatchesAll(const std::vector<PodAffinityTerm>& terms, const PodInfo& pod) {
  for (const auto& t : terms) {
    if (!t.Matches(pod)) return false;
  }
  return true;
}

// Adds `weight` for `term` in the domain of `node` when `term` selects `target`.
void ProcessTerm(TopologyCounts& counts, const PodAffinityTerm& term, int64_t weight,
                 const PodInfo& target, const NodeInfo& node) {
  if (weight == 0 || !term.Matches(target)) return;
  const std::string* v = node.Label(term.topology_key);
  if (v) counts.Add(term.topology_key, *v, weight);
}

}  // namespace

bool InterPodAffinityFilter::PreFilter(CycleState& state) const {
  const PodInfo& pod = state.pod();
  const Snapshot& snap = state.snapshot();
  bool own = !pod.required_affinity.empty() || !pod.required_anti_affinity.empty();
  if (!own && snap.PodsWithRequiredAntiAffinity() == 0) return false;
  auto data = std::make_unique<FilterState>();
  for (const NodeInfo* node : snap.Nodes()) {
    for (const PodInfo* existing : node->pods_with_required_anti_affinity) {
      for (const auto& t : existing->required_anti_affinity) {
        ProcessTerm(data->existing_anti, t, 1, pod, *node);
      }
    }
    if (!own) continue;
    for (const auto& existing : node->pods) {
      if (!pod.required_affinity.empty() && MatchesAll(pod.required_affinity, *existing)) {
        for (const auto& t : pod.required_affinity) {
          const std::string* v = node->Label(t.topology_key);
          if (v) data->affinity.Add(t.topology_key, *v, 1);
        }
      }
      for (const auto& t : pod.required_anti_affinity) {
        ProcessTerm(data->anti, t, 1, *existing, *node);
      }
    }
  }
  state.Write(kFilterKey, std::move(data));
  return true;
}

bool InterPodAffinityFilter::Filter(const CycleState& state, const NodeInfo& node,
                                    Reasons& reasons) const {
  const PodInfo& pod = state.pod();
  const auto* s = state.Read<FilterState>(kFilterKey);
  // Required affinity: every term's domain must hold a matching pod; all topology labels
  // must exist on the node.
  if (!pod.required_affinity.empty()) {
    bool pods_exist = true;
    bool ok = true;
    for (const auto& t : pod.required_affinity) {
      if (!node.Label(t.topology_key)) {
        ok = false;
        break;
      }
      if (s->affinity.Get(t.topology_key, node) <= 0) pods_exist = false;
    }
    if (ok && !pods_exist) {
      // The first pod of a group that selects itself may start anywhere.
      ok = s->affinity.empty() && MatchesAll(pod.required_affinity, pod);
    }
    if (!ok) {
      reasons.push_back(kReasonPodAffinity);
      return false;
    }
  }
  for (const auto& t : pod.required_anti_affinity) {
    if (s->anti.Get(t.topology_key, node) > 0) {
      reasons.push_back(kReasonPodAntiAffinity);
      return false;
    }
  }
  for (const auto& [key, values] : s->existing_anti.keys()) {
    const std::string* v = node.Label(key);
    if (!v) continue;
    auto it = values.find(*v);
    if (it != values.end() && it->second > 0) {
      reasons.push_back(kReasonExistingAntiAffinity);
      return false;
    }
  }
  return true;
}

bool InterPodAffinityScore::PreScore(CycleState& state, const std::vector<const NodeInfo*>&) const {
  const PodInfo& pod = state.pod();
  const Snapshot& snap = state.snapshot();
  bool own = !pod.preferred_affinity.empty() || !pod.preferred_anti_affinity.empty();
  if (!own && snap.PodsWithAffinity() == 0) return false;
  auto data = std::make_unique<ScoreState>();
  auto process_existing = [&](const PodInfo& existing, const NodeInfo& node) {
    for (const auto& t : pod.preferred_affinity) {
      ProcessTerm(data->scores, t, t.weight, existing, node);
    }
    for (const auto& t : pod.preferred_anti_affinity) {
      ProcessTerm(data->scores, t, -t.weight, existing, node);
    }
    if (!existing.HasPodAffinity()) return;
    for (const auto& t : existing.preferred_affinity) {
      ProcessTerm(data->scores, t, t.weight, pod, node);
    }
    for (const auto& t : existing.preferred_anti_affinity) {
      ProcessTerm(data->scores, t, -t.weight, pod, node);
    }
    for (const auto& t : existing.required_affinity) {
      ProcessTerm(data->scores, t, hard_weight_, pod, node);
    }
  };
  for (const NodeInfo* node : snap.Nodes()) {
    if (own) {
      for (const auto& p : node->pods) process_existing(*p, *node);
    } else {
      for (const PodInfo* p : node->pods_with_affinity) process_existing(*p, *node);
    }
  }
  if (data->scores.empty()) return false;
  state.Write(kScoreKey, std::move(data));
  return true;
}

int64_t InterPodAffinityScore::Score(const CycleState& state, const NodeInfo& node) const {
  const auto* s = state.Read<ScoreState>(kScoreKey);
  int64_t sum = 0;
  for (const auto& [key, values] : s->scores.keys()) {
    const std::string* v = node.Label(key);
    if (!v) continue;
    auto it = values.find(*v);
    if (it != values.end()) sum += it->second;
  }
  return sum;
}

void InterPodAffinityScore::Normalize(const CycleState&, const std::vector<const NodeInfo*>&,
                                      std::vector<int64_t>& scores) const {
  if (scores.empty()) return;
  auto [mn, mx] = std::minmax_element(scores.begin(), scores.end());
  int64_t lo = *mn, diff = *mx - *mn;
  for (int64_t& s : scores) s = diff > 0 ? kMaxNodeScore * (s - lo) / diff : 0;
}

}  // namespace berth::scheduler
