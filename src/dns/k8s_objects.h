// Translation of API objects (Service, EndpointSlice as JSON) into the Zone's plain values.
//
// Services: type ExternalName -> kExternalName; clusterIP "None" -> kHeadless; anything else
// (ClusterIP, NodePort, LoadBalancer) -> kClusterIP with the IPv4 entries of
// spec.clusterIPs (or spec.clusterIP). EndpointSlices: only addressType IPv4; the owning
// service is the label kubernetes.io/service-name (a slice without it yields nullopt).
// Malformed fields are skipped rather than failing the whole object.
//
// Pure functions; thread-safe.
#pragma once

#include <optional>

#include "common/json.h"
#include "dns/zone.h"

namespace berth::dns {

std::optional<ServiceInfo> ServiceFromObject(const json::object& svc);
std::optional<SliceInfo> SliceFromObject(const json::object& slice);

}  // namespace berth::dns
