#include "api/kinds/kinds.h"

namespace berth::api {

const Registry& BuiltinRegistry() {
  static const Registry* registry = [] {
    auto* r = new Registry();
    // Discovery order matters to `kubectl get all`: core first, then apps, ...
    RegisterCoreKinds(*r);
    RegisterAppsKinds(*r);
    RegisterEventsKinds(*r);
    RegisterBatchKinds(*r);
    RegisterAutoscalingKinds(*r);
    RegisterNetworkingKinds(*r);
    RegisterPolicyKinds(*r);
    RegisterDiscoveryKinds(*r);
    RegisterCoordinationKinds(*r);
    return r;
  }();
  return *registry;
}

}  // namespace berth::api
