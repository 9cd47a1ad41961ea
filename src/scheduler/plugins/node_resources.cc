#include "scheduler/plugins/node_resources.h"

#include <algorithm>
#include <cmath>

namespace berth::scheduler {

namespace {

// "Insufficient <name>" for the pod's scalar resources, owned by the cycle.
struct ScalarReasons : StateData {
  std::vector<std::string> reasons;  // aligned with pod().requests.scalars
};

constexpr std::string_view kFitKey = "NodeResourcesFit";

int64_t LeastAllocated(int64_t requested, int64_t capacity) {
  if (requested > capacity) return 0;
  return (capacity - requested) * kMaxNodeScore / capacity;
}

}  // namespace

bool NodeResourcesFitFilter::PreFilter(CycleState& state) const {
  const auto& scalars = state.pod().requests.scalars;
  if (!scalars.empty()) {
    auto data = std::make_unique<ScalarReasons>();
    for (const auto& [name, v] : scalars) data->reasons.push_back("Insufficient " + name);
    state.Write(kFitKey, std::move(data));
  }
  return true;
}

bool NodeResourcesFitFilter::Filter(const CycleState& state, const NodeInfo& node,
                                    Reasons& reasons) const {
  size_t before = reasons.size();
  if (static_cast<int64_t>(node.pods.size()) + 1 > node.allowed_pods) {
    reasons.push_back(kReasonTooManyPods);
  }
  const Resources& want = state.pod().requests;
  const Resources& alloc = node.allocatable;
  const Resources& used = node.requested;
  if (want.milli_cpu > 0 && want.milli_cpu > alloc.milli_cpu - used.milli_cpu) {
    reasons.push_back(kReasonInsufficientCpu);
  }
  if (want.memory > 0 && want.memory > alloc.memory - used.memory) {
    reasons.push_back(kReasonInsufficientMemory);
  }
  if (want.ephemeral_storage > 0 &&
      want.ephemeral_storage > alloc.ephemeral_storage - used.ephemeral_storage) {
    reasons.push_back(kReasonInsufficientEphemeral);
  }
  if (!want.scalars.empty()) {
    const auto* names = state.Read<ScalarReasons>(kFitKey);
    for (size_t i = 0; i < want.scalars.size(); i++) {
      const auto& [name, v] = want.scalars[i];
      if (v > 0 && v > alloc.Scalar(name) - used.Scalar(name)) {
        reasons.push_back(names->reasons[i]);
      }
    }
  }
  return reasons.size() == before;
}

int64_t LeastAllocatedScore::Score(const CycleState& state, const NodeInfo& node) const {
  const PodInfo& pod = state.pod();
  int64_t sum = 0, weights = 0;
  if (node.allocatable.milli_cpu > 0) {
    sum += LeastAllocated(node.non_zero_milli_cpu + pod.non_zero_milli_cpu,
                          node.allocatable.milli_cpu);
    weights++;
  }
  if (node.allocatable.memory > 0) {
    sum += LeastAllocated(node.non_zero_memory + pod.non_zero_memory, node.allocatable.memory);
    weights++;
  }
  return weights == 0 ? 0 : sum / weights;
}

bool BalancedAllocationScore::PreScore(CycleState& state,
                                       const std::vector<const NodeInfo*>&) const {
  const Resources& r = state.pod().requests;
  return r.milli_cpu > 0 || r.memory > 0;
}

int64_t BalancedAllocationScore::Score(const CycleState& state, const NodeInfo& node) const {
  const Resources& want = state.pod().requests;
  double fractions[2];
  int n = 0;
  if (node.allocatable.milli_cpu > 0) {
    fractions[n++] = std::min(1.0, static_cast<double>(node.requested.milli_cpu + want.milli_cpu) /
                                       static_cast<double>(node.allocatable.milli_cpu));
  }
  if (node.allocatable.memory > 0) {
    fractions[n++] = std::min(1.0, static_cast<double>(node.requested.memory + want.memory) /
                                       static_cast<double>(node.allocatable.memory));
  }
  double std_dev = n == 2 ? std::abs((fractions[0] - fractions[1]) / 2) : 0;
  return static_cast<int64_t>((1 - std_dev) * static_cast<double>(kMaxNodeScore));
}

}  // namespace berth::scheduler
