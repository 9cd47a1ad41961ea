// The plugin framework of the placement algorithm, shaped like kube-scheduler's:
//  - FilterPlugin: PreFilter once per pod (precompute; or opt out for this pod), then
//    Filter per node: fits, or one or more reasons (Kubernetes' wording).
//  - ScorePlugin: PreScore once per pod over the feasible nodes (or opt out), Score per
//    feasible node, then Normalize the raw scores to 0..100; the registry weights them.
// Plugins are stateless and const (safe to share between Algorithm instances and threads);
// everything per pod lives in a CycleState, created per Schedule() call.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "scheduler/node_info.h"
#include "scheduler/pod_info.h"
#include "scheduler/snapshot.h"

namespace berth::scheduler {

// Plugin-private data kept for one scheduling cycle.
struct StateData {
  virtual ~StateData() = default;
};

// The state of one scheduling cycle (one pod against one snapshot).
class CycleState {
 public:
  CycleState(const Snapshot& snapshot, const PodInfo& pod) : snapshot_(snapshot), pod_(pod) {}
  const Snapshot& snapshot() const { return snapshot_; }
  const PodInfo& pod() const { return pod_; }

  // Stores plugin data under `key` (a plugin's name; string literals only: the view is kept).
  void Write(std::string_view key, std::unique_ptr<StateData> data);
  // The data written under `key`, or nullptr.
  template <typename T>
  T* Read(std::string_view key) const {
    for (const auto& [k, d] : data_) {
      if (k == key) return static_cast<T*>(d.get());
    }
    return nullptr;
  }

 private:
  const Snapshot& snapshot_;
  const PodInfo& pod_;
  std::vector<std::pair<std::string_view, std::unique_ptr<StateData>>> data_;
};

// Reasons a node does not fit. The views must stay valid for the whole cycle: string literals,
// strings owned by the snapshot (e.g. Taint::reason) or by CycleState data.
using Reasons = std::vector<std::string_view>;

class FilterPlugin {
 public:
  virtual ~FilterPlugin() = default;
  virtual std::string_view Name() const = 0;
  // Once per pod. Returns false when the plugin has nothing to check for this pod; Filter is
  // then not called in this cycle.
  virtual bool PreFilter(CycleState& state) const { return true; }
  // True when the pod fits `node`; otherwise appends at least one reason and returns false.
  virtual bool Filter(const CycleState& state, const NodeInfo& node, Reasons& reasons) const = 0;
};

class ScorePlugin {
 public:
  virtual ~ScorePlugin() = default;
  virtual std::string_view Name() const = 0;
  // Once per pod with the feasible nodes. Returns false to skip scoring (0 for every node).
  virtual bool PreScore(CycleState& state, const std::vector<const NodeInfo*>& nodes) const {
    return true;
  }
  // Raw score of a feasible node.
  virtual int64_t Score(const CycleState& state, const NodeInfo& node) const = 0;
  // Maps the raw scores (aligned with `nodes`) onto 0..100. Default: unchanged.
  virtual void Normalize(const CycleState& state, const std::vector<const NodeInfo*>& nodes,
                         std::vector<int64_t>& scores) const {}
};

// The plugin set of an Algorithm: filters in the order they run, scores with their weights.
class PluginRegistry {
 public:
  struct WeightedScore {
    std::shared_ptr<const ScorePlugin> plugin;
    int weight = 1;
  };
  void AddFilter(std::shared_ptr<const FilterPlugin> plugin);
  void AddScore(std::shared_ptr<const ScorePlugin> plugin, int weight);
  const std::vector<std::shared_ptr<const FilterPlugin>>& filters() const { return filters_; }
  const std::vector<WeightedScore>& scores() const { return scores_; }

 private:
  std::vector<std::shared_ptr<const FilterPlugin>> filters_;
  std::vector<WeightedScore> scores_;
};

// kube-scheduler's default plugins, order and weights:
//   filters: NodeUnschedulable, NodeName, TaintToleration, NodeAffinity, NodePorts,
//            NodeResourcesFit, PodTopologySpread, InterPodAffinity
//   scores:  TaintToleration 3, NodeAffinity 2, NodeResourcesFit (LeastAllocated) 1,
//            PodTopologySpread 2, InterPodAffinity 2, NodeResourcesBalancedAllocation 1
PluginRegistry DefaultRegistry();

// kube's DefaultNormalizeScore: scales to 0..max_score by the largest score; `reverse`
// flips it (a higher raw score is worse). All zero: 0 (or max_score when reversed).
void DefaultNormalizeScore(int64_t max_score, bool reverse, std::vector<int64_t>& scores);

inline constexpr int64_t kMaxNodeScore = 100;

}  // namespace berth::scheduler
