// The services every cluster has, as kube-apiserver keeps them:
//  * default/kubernetes: ClusterIP = the first address of the service CIDR,
//    port https 443/TCP -> the API server's port, labels component=apiserver
//    and provider=kubernetes, no selector; its Endpoints default/kubernetes
//    (label endpointslice.kubernetes.io/skip-mirror=true, so no mirroring
//    controller copies it) and EndpointSlice default/kubernetes (label
//    kubernetes.io/service-name=kubernetes and no managed-by label, as
//    kube-apiserver writes it: no controller claims it) point at the
//    advertised address and port.
//  * kube-system/kube-dns: ClusterIP = the tenth address, ports dns 53/UDP and
//    dns-tcp 53/TCP, labels k8s-app=kube-dns, kubernetes.io/name=berth-dns,
//    kubernetes.io/cluster-service=true, no selector (each node agent answers
//    DNS itself).
// EnsureBuiltinServices creates what is missing and repairs what differs
// (an IP change, e.g. after a new service CIDR, deletes and recreates the
// service, since cluster IPs are immutable). Blocking; call from one thread.
#pragma once

#include <string>

#include "apiserver/services/ip_range.h"
#include "client/interface.h"
#include "common/status.h"

namespace berth::apiserver::services {

struct BuiltinServicesOptions {
  Ipv4Range service_cidr;
  std::string advertise_address;  // IPv4 the kubernetes endpoints name
  int api_port = 6443;
};

inline constexpr uint64_t kKubernetesServiceOffset = 1;  // 10.96.0.1
inline constexpr uint64_t kDnsServiceOffset = 10;        // 10.96.0.10

// Returns the first error; each object is still attempted.
Status EnsureBuiltinServices(client::Interface* api, const BuiltinServicesOptions& o);

}  // namespace berth::apiserver::services
