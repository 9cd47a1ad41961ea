// Algorithm: one placement decision, kube-scheduler's scheduling cycle without preemption:
// PreFilter, Filter over a sample of nodes starting at a rotating index (stopping once enough
// feasible nodes are found), PreScore/Score/Normalize, weighted sum, best score with ties
// broken at random (seeded).
//
// Schedule() is a pure function of (snapshot, pod) apart from the Algorithm's own rotating
// start index and random generator. Thread-safety: one Algorithm per thread (or serialize);
// the registry's plugins may be shared.
#pragma once

#include <cstdint>
#include <map>
#include <random>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "scheduler/framework.h"
#include "scheduler/pod_info.h"
#include "scheduler/snapshot.h"

namespace berth::scheduler {

struct ScheduleResult {
  std::string node;                   // chosen node, empty when unschedulable
  std::string message;                // when unschedulable, Kubernetes' wording
  std::map<std::string, int> reasons;  // reason -> number of nodes giving it
  int feasible_nodes = 0;
  int evaluated_nodes = 0;
};

struct AlgorithmOptions {
  // Share of nodes to find feasible before scoring; 0 = kube's adaptive default
  // (max(5, 50 - nodes/125) %), never fewer than 100 nodes; >= 100 = all nodes.
  int percentage_of_nodes_to_score = 0;
  uint64_t seed = 1;
};

class Algorithm {
 public:
  explicit Algorithm(const PluginRegistry& registry, AlgorithmOptions opts = {});

  ScheduleResult Schedule(const Snapshot& snapshot, const PodInfo& pod);

  // How many feasible nodes a cycle looks for among `all_nodes` (kube's numFeasibleNodesToFind).
  int NumFeasibleNodesToFind(int all_nodes) const;

 private:
  PluginRegistry registry_;
  AlgorithmOptions opts_;
  std::mt19937_64 rng_;
  size_t next_start_ = 0;

  // Scratch space reused across cycles (no per-node allocation).
  std::vector<const FilterPlugin*> active_filters_;
  std::vector<const NodeInfo*> feasible_;
  std::vector<int64_t> totals_, scores_;
  Reasons node_reasons_;
  std::vector<std::pair<std::string_view, int>> reason_counts_;
};

// "0/3 nodes are available: 1 Insufficient cpu, 2 node(s) had untolerated taint {k: v}." —
// "<count> <reason>" entries sorted as strings, as kube's FitError does.
std::string UnschedulableMessage(int all_nodes, const std::map<std::string, int>& reasons);

}  // namespace berth::scheduler
