#include "scheduler/schedule.h"

#include <algorithm>

namespace berth::scheduler {

namespace {

constexpr int kMinFeasibleNodesToFind = 100;
constexpr int kMinFeasibleNodesPercentageToFind = 5;

}  // namespace

Algorithm::Algorithm(const PluginRegistry& registry, AlgorithmOptions opts)
    : registry_(registry), opts_(opts), rng_(opts.seed) {}

int Algorithm::NumFeasibleNodesToFind(int all_nodes) const {
  int pct = opts_.percentage_of_nodes_to_score;
  if (all_nodes < kMinFeasibleNodesToFind || pct >= 100) return all_nodes;
  if (pct <= 0) {
    pct = 50 - all_nodes / 125;
    if (pct < kMinFeasibleNodesPercentageToFind) pct = kMinFeasibleNodesPercentageToFind;
  }
  int n = static_cast<int>(static_cast<int64_t>(all_nodes) * pct / 100);
  return n < kMinFeasibleNodesToFind ? kMinFeasibleNodesToFind : n;
}

std::string UnschedulableMessage(int all_nodes, const std::map<std::string, int>& reasons) {
  std::vector<std::string> parts;
  parts.reserve(reasons.size());
  for (const auto& [reason, count] : reasons) parts.push_back(std::to_string(count) + " " + reason);
  std::sort(parts.begin(), parts.end());
  std::string msg = "0/" + std::to_string(all_nodes) + " nodes are available: ";
  for (size_t i = 0; i < parts.size(); i++) {
    if (i > 0) msg += ", ";
    msg += parts[i];
  }
  msg += ".";
  return msg;
}

ScheduleResult Algorithm::Schedule(const Snapshot& snapshot, const PodInfo& pod) {
  ScheduleResult result;
  const auto& nodes = snapshot.Nodes();
  const size_t n = nodes.size();
  if (n == 0) {
    result.message = "no nodes available to schedule pods";
    return result;
  }
  CycleState state(snapshot, pod);
  active_filters_.clear();
  for (const auto& f : registry_.filters()) {
    if (f->PreFilter(state)) active_filters_.push_back(f.get());
  }

  // Filter from the rotating start until enough nodes fit.
  const size_t to_find = static_cast<size_t>(NumFeasibleNodesToFind(static_cast<int>(n)));
  feasible_.clear();
  reason_counts_.clear();
  size_t start = next_start_ % n;
  size_t processed = 0;
  for (; processed < n && feasible_.size() < to_find; processed++) {
    size_t i = start + processed;
    const NodeInfo* node = nodes[i >= n ? i - n : i];
    bool fits = true;
    node_reasons_.clear();
    for (const FilterPlugin* f : active_filters_) {
      if (!f->Filter(state, *node, node_reasons_)) {
        fits = false;
        break;
      }
    }
    if (fits) {
      feasible_.push_back(node);
      continue;
    }
    for (std::string_view r : node_reasons_) {
      auto it = std::find_if(reason_counts_.begin(), reason_counts_.end(),
                             [&](const auto& p) { return p.first == r; });
      if (it == reason_counts_.end()) {
        reason_counts_.emplace_back(r, 1);
      } else {
        it->second++;
      }
    }
  }
  next_start_ = (start + processed) % n;
  result.evaluated_nodes = static_cast<int>(processed);
  result.feasible_nodes = static_cast<int>(feasible_.size());
  if (feasible_.empty()) {
    for (const auto& [r, c] : reason_counts_) result.reasons[std::string(r)] += c;
    result.message = UnschedulableMessage(static_cast<int>(n), result.reasons);
    return result;
  }
  if (feasible_.size() == 1) {
    result.node = feasible_[0]->name;
    return result;
  }

  // Score, normalize, weight.
  const size_t k = feasible_.size();
  totals_.assign(k, 0);
  for (const auto& ws : registry_.scores()) {
    const ScorePlugin* p = ws.plugin.get();
    if (!p->PreScore(state, feasible_)) continue;
    scores_.resize(k);
    for (size_t i = 0; i < k; i++) scores_[i] = p->Score(state, *feasible_[i]);
    p->Normalize(state, feasible_, scores_);
    for (size_t i = 0; i < k; i++) totals_[i] += scores_[i] * ws.weight;
  }

  // Highest total; ties broken uniformly at random (reservoir sampling).
  size_t best = 0;
  uint64_t ties = 1;
  for (size_t i = 1; i < k; i++) {
    if (totals_[i] > totals_[best]) {
      best = i;
      ties = 1;
    } else if (totals_[i] == totals_[best]) {
      ties++;
      if (rng_() % ties == 0) best = i;
    }
  }
  result.node = feasible_[best]->name;
  return result;
}

}  // namespace berth::scheduler
