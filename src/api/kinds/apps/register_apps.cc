#include "api/kinds/apps/apps_types.h"
#include "api/kinds/kinds.h"

namespace berth::api {

// Discovery order matches a real API server: `kubectl get all` walks
// daemonsets, deployments, replicasets, statefulsets in this order.
void RegisterAppsKinds(Registry& r) {
  r.Add(apps::ControllerRevisionType());
  r.Add(apps::DaemonSetType());
  r.Add(apps::DeploymentType());
  r.Add(apps::ReplicaSetType());
  r.Add(apps::StatefulSetType());
}

}  // namespace berth::api
