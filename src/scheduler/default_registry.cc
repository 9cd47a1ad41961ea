// The default plugin set (see framework.h for order and weights).
#include "scheduler/framework.h"
#include "scheduler/plugins/inter_pod_affinity.h"
#include "scheduler/plugins/node_affinity.h"
#include "scheduler/plugins/node_name.h"
#include "scheduler/plugins/node_ports.h"
#include "scheduler/plugins/node_resources.h"
#include "scheduler/plugins/node_unschedulable.h"
#include "scheduler/plugins/pod_topology_spread.h"
#include "scheduler/plugins/taint_toleration.h"

namespace berth::scheduler {

PluginRegistry DefaultRegistry() {
  PluginRegistry r;
  r.AddFilter(std::make_shared<NodeUnschedulableFilter>());
  r.AddFilter(std::make_shared<NodeNameFilter>());
  r.AddFilter(std::make_shared<TaintTolerationFilter>());
  r.AddFilter(std::make_shared<NodeAffinityFilter>());
  r.AddFilter(std::make_shared<NodePortsFilter>());
  r.AddFilter(std::make_shared<NodeResourcesFitFilter>());
  r.AddFilter(std::make_shared<PodTopologySpreadFilter>());
  r.AddFilter(std::make_shared<InterPodAffinityFilter>());
  r.AddScore(std::make_shared<TaintTolerationScore>(), 3);
  r.AddScore(std::make_shared<NodeAffinityScore>(), 2);
  r.AddScore(std::make_shared<LeastAllocatedScore>(), 1);
  r.AddScore(std::make_shared<PodTopologySpreadScore>(), 2);
  r.AddScore(std::make_shared<InterPodAffinityScore>(), 2);
  r.AddScore(std::make_shared<BalancedAllocationScore>(), 1);
  return r;
}

}  // namespace berth::scheduler
