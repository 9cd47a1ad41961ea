// RegisterCoreKinds: the core/v1 kinds in discovery order.
#include "api/kinds/core/core_kinds.h"
#include "api/kinds/kinds.h"

namespace berth::api {

void RegisterCoreKinds(Registry& r) {
  r.Add(core::PodType());
  r.Add(core::ReplicationControllerType());  // after pods, as `kubectl get all` lists them
  r.Add(core::ServiceType());
  r.Add(core::NamespaceType());
  r.Add(core::NodeType());
  r.Add(core::EndpointsType());
  r.Add(core::ConfigMapType());
  r.Add(core::SecretType());
  r.Add(core::EventType());
  r.Add(core::ServiceAccountType());
  r.Add(core::ResourceQuotaType());
  r.Add(core::LimitRangeType());
  r.Add(core::PodTemplateType());
}

}  // namespace berth::api
