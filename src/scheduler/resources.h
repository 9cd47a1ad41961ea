// Resource amounts as the scheduler accounts them: milli-CPU, bytes of memory and ephemeral
// storage, and "scalar" resources (extended resources such as nvidia.com/gpu, hugepages-*)
// by name. Plain value type; thread-compatible.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "common/json.h"

namespace berth::scheduler {

struct Resources {
  int64_t milli_cpu = 0;
  int64_t memory = 0;
  int64_t ephemeral_storage = 0;
  // Sorted by name, no duplicates.
  std::vector<std::pair<std::string, int64_t>> scalars;

  int64_t Scalar(const std::string& name) const;
  void AddScalar(const std::string& name, int64_t v);
  void Add(const Resources& o);
  void Subtract(const Resources& o);
  // Component-wise maximum.
  void SetMax(const Resources& o);
  bool IsZero() const;
};

// Kubernetes' default requests used for scoring pods that request nothing (100m, 200Mi).
inline constexpr int64_t kDefaultMilliCpuRequest = 100;
inline constexpr int64_t kDefaultMemoryRequest = 200 * 1024 * 1024;

// Parses a ResourceList ({"cpu": "500m", "memory": "1Gi", "pods": "110", ...}). The "pods"
// entry goes to *pods when non-null; unparsable quantities are ignored.
Resources ParseResourceList(const json::value* list, int64_t* pods = nullptr);

// Effective requests of a pod spec as kube computes them:
//   max(sum(containers) + sum(sidecar init containers),
//       max over init containers i of (init_i + sidecars started before i)) + overhead.
// A container's missing request defaults to its limit (API defaulting does the same).
// With `non_zero`, a container requesting no cpu (memory) counts 100m (200Mi): the figure
// kube's scoring uses so that request-less pods still weigh on a node.
Resources PodRequests(const json::object& spec, bool non_zero = false);

}  // namespace berth::scheduler
