#include "scheduler/plugins/pod_topology_spread.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <unordered_map>
#include <unordered_set>

namespace berth::scheduler {

namespace {

constexpr std::string_view kFilterKey = "PodTopologySpread/filter";
constexpr std::string_view kScoreKey = "PodTopologySpread/score";
constexpr const char* kHostnameKey = "kubernetes.io/hostname";

struct ConstraintCounts {
  const TopologySpreadConstraint* c = nullptr;
  std::unordered_map<std::string, int64_t> per_domain;  // domain value -> matching pods
  int64_t min = std::numeric_limits<int32_t>::max();
  bool self_match = false;
  double weight = 0;  // score only
};

struct FilterState : StateData {
  std::vector<ConstraintCounts> constraints;
};

struct ScoreState : StateData {
  std::vector<ConstraintCounts> constraints;
  std::vector<char> ignored;  // by NodeInfo::index: feasible node lacking a key
};

bool HasAllKeys(const NodeInfo& node, const std::vector<ConstraintCounts>& cs) {
  for (const auto& cc : cs) {
    if (!node.Label(cc.c->topology_key)) return false;
  }
  return true;
}

// Whether `node` takes part in counting for `c` (nodeAffinityPolicy / nodeTaintsPolicy).
bool Eligible(const PodInfo& pod, const TopologySpreadConstraint& c, const NodeInfo& node) {
  if (c.honor_node_affinity && !pod.MatchesNodeSelectorAndAffinity(node.labels, node.name)) {
    return false;
  }
  if (c.honor_node_taints) {
    for (const Taint& t : node.taints) {
      if ((t.effect == TaintEffect::kNoSchedule || t.effect == TaintEffect::kNoExecute) &&
          !Tolerated(pod.tolerations, t)) {
        return false;
      }
    }
  }
  return true;
}

int64_t CountMatching(const PodInfo& pod, const TopologySpreadConstraint& c,
                      const NodeInfo& node) {
  int64_t n = 0;
  for (const auto& p : node.pods) {
    if (p->ns == pod.ns && !p->terminating && c.selector.Matches(p->labels)) n++;
  }
  return n;
}

std::vector<ConstraintCounts> Select(const PodInfo& pod, bool hard) {
  std::vector<ConstraintCounts> out;
  for (const auto& c : pod.spread_constraints) {
    if (c.do_not_schedule != hard) continue;
    ConstraintCounts cc;
    cc.c = &c;
    cc.self_match = c.selector.Matches(pod.labels);
    out.push_back(std::move(cc));
  }
  return out;
}

}  // namespace

bool PodTopologySpreadFilter::PreFilter(CycleState& state) const {
  const PodInfo& pod = state.pod();
  auto data = std::make_unique<FilterState>();
  data->constraints = Select(pod, /*hard=*/true);
  if (data->constraints.empty()) return false;
  for (const NodeInfo* node : state.snapshot().Nodes()) {
    if (!HasAllKeys(*node, data->constraints)) continue;
    for (auto& cc : data->constraints) {
      if (!Eligible(pod, *cc.c, *node)) continue;
      cc.per_domain[*node->Label(cc.c->topology_key)] += CountMatching(pod, *cc.c, *node);
    }
  }
  for (auto& cc : data->constraints) {
    for (const auto& [v, n] : cc.per_domain) cc.min = std::min(cc.min, n);
    if (static_cast<int64_t>(cc.per_domain.size()) < cc.c->min_domains) cc.min = 0;
  }
  state.Write(kFilterKey, std::move(data));
  return true;
}

bool PodTopologySpreadFilter::Filter(const CycleState& state, const NodeInfo& node,
                                     Reasons& reasons) const {
  const auto* s = state.Read<FilterState>(kFilterKey);
  for (const auto& cc : s->constraints) {
    const std::string* v = node.Label(cc.c->topology_key);
    if (!v) {
      reasons.push_back(kReasonSpreadMissingLabel);
      return false;
    }
    auto it = cc.per_domain.find(*v);
    int64_t match = it == cc.per_domain.end() ? 0 : it->second;
    int64_t skew = match + (cc.self_match ? 1 : 0) - cc.min;
    if (skew > cc.c->max_skew) {
      reasons.push_back(kReasonSpreadSkew);
      return false;
    }
  }
  return true;
}

bool PodTopologySpreadScore::PreScore(CycleState& state,
                                      const std::vector<const NodeInfo*>& nodes) const {
  const PodInfo& pod = state.pod();
  auto data = std::make_unique<ScoreState>();
  data->constraints = Select(pod, /*hard=*/false);
  if (data->constraints.empty()) return false;
  data->ignored.assign(state.snapshot().NodeCount(), 0);
  // Domains are those of the feasible nodes that carry every key.
  std::vector<std::unordered_set<std::string>> domains(data->constraints.size());
  size_t scored = 0;
  for (const NodeInfo* node : nodes) {
    if (!HasAllKeys(*node, data->constraints)) {
      data->ignored[node->index] = 1;
      continue;
    }
    scored++;
    for (size_t i = 0; i < data->constraints.size(); i++) {
      auto& cc = data->constraints[i];
      const std::string& v = *node->Label(cc.c->topology_key);
      domains[i].insert(v);
      if (cc.c->topology_key != kHostnameKey) cc.per_domain.emplace(v, 0);
    }
  }
  for (size_t i = 0; i < data->constraints.size(); i++) {
    auto& cc = data->constraints[i];
    size_t size = cc.c->topology_key == kHostnameKey ? scored : domains[i].size();
    cc.weight = std::log(static_cast<double>(size + 2));
  }
  // Matching pods per domain over the whole cluster (hostname domains are counted per node).
  for (const NodeInfo* node : state.snapshot().Nodes()) {
    if (!HasAllKeys(*node, data->constraints)) continue;
    for (auto& cc : data->constraints) {
      if (cc.c->topology_key == kHostnameKey || !Eligible(pod, *cc.c, *node)) continue;
      auto it = cc.per_domain.find(*node->Label(cc.c->topology_key));
      if (it != cc.per_domain.end()) it->second += CountMatching(pod, *cc.c, *node);
    }
  }
  state.Write(kScoreKey, std::move(data));
  return true;
}

int64_t PodTopologySpreadScore::Score(const CycleState& state, const NodeInfo& node) const {
  const auto* s = state.Read<ScoreState>(kScoreKey);
  if (s->ignored[node.index]) return 0;
  double score = 0;
  for (const auto& cc : s->constraints) {
    int64_t count;
    if (cc.c->topology_key == kHostnameKey) {
      count = CountMatching(state.pod(), *cc.c, node);
    } else {
      auto it = cc.per_domain.find(*node.Label(cc.c->topology_key));
      count = it == cc.per_domain.end() ? 0 : it->second;
    }
    score += static_cast<double>(count) * cc.weight + static_cast<double>(cc.c->max_skew - 1);
  }
  return std::llround(score);
}

void PodTopologySpreadScore::Normalize(const CycleState& state,
                                       const std::vector<const NodeInfo*>& nodes,
                                       std::vector<int64_t>& scores) const {
  const auto* s = state.Read<ScoreState>(kScoreKey);
  int64_t mn = std::numeric_limits<int64_t>::max(), mx = 0;
  for (size_t i = 0; i < nodes.size(); i++) {
    if (s->ignored[nodes[i]->index]) continue;
    mn = std::min(mn, scores[i]);
    mx = std::max(mx, scores[i]);
  }
  for (size_t i = 0; i < nodes.size(); i++) {
    if (s->ignored[nodes[i]->index]) {
      scores[i] = 0;
    } else if (mx == 0) {
      scores[i] = kMaxNodeScore;
    } else {
      scores[i] = kMaxNodeScore * (mx + mn - scores[i]) / mx;
    }
  }
}

}  // namespace berth::scheduler
