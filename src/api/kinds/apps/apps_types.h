// The apps/v1 kinds, one builder per file (deployment.cc, replicaset.cc, ...),
// registered in discovery order by RegisterAppsKinds (register_apps.cc).
// Builders are called once at start-up; the returned types are immutable.
#pragma once

#include "api/resource.h"

namespace berth::api::apps {

ResourceType ControllerRevisionType();
ResourceType DaemonSetType();
ResourceType DeploymentType();
ResourceType ReplicaSetType();
ResourceType StatefulSetType();

}  // namespace berth::api::apps
