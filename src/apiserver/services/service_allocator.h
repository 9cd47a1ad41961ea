// ServiceAllocator: hands out Service cluster IPs (from the service CIDR) and
// node ports (from the node port range) inside the API server's write path,
// as kube-apiserver's service REST storage does (WriteHook, write_hook.h).
//
// Behaviour (kube's):
//  * ClusterIP/NodePort/LoadBalancer get spec.clusterIP and clusterIPs=[ip],
//    ipFamilies=[IPv4]; a requested IP is honoured when free and in range,
//    else 422 on spec.clusterIPs. Dynamic IPs come from the upper part of the
//    range first (kube's static band: the lowest min(max(16, n/16), 256)
//    addresses are left for static requests). Headless services get
//    clusterIPs=[None]; ExternalName gets no IP.
//  * NodePort/LoadBalancer ports get node ports (LoadBalancer unless
//    allocateLoadBalancerNodePorts=false); ports of one service with the same
//    port number (53/TCP and 53/UDP) share one node port; a requested port is
//    honoured when free and in range, else 422 on spec.ports[i].nodePort.
//    LoadBalancer with externalTrafficPolicy=Local also gets a
//    healthCheckNodePort.
//  * Updates keep what a PUT left out (clusterIP, nodePorts by port name),
//    drop type-dependent fields on a type change (NodePort -> ClusterIP drops
//    its node ports) and allocate/release the difference when the store
//    write succeeds; a failed write gives back what it reserved.
//  * Reserved addresses (the `kubernetes` and `kube-dns` IPs) are never
//    handed out dynamically and only their own service may request them.
//
// Persistence: there are no allocation records. The stored Services are the
// truth: Rebuild() reads them all before the server serves requests, and from
// then on every reservation happens in memory under one mutex, before the
// store write, so two concurrent creates can never get the same IP or port
// (berth has one API server per store). A crash between a reservation and its
// store write loses only the in-memory reservation; a restart rebuilds the
// exact state. Deletions are released by the write path at once and, as a
// backstop for deletions that bypass it (the namespace finalizer), from a
// store watch on the services prefix. Owners are object uids, so a late
// release never frees the IP of a recreated service of the same name.
//
// Thread-safe.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <random>
#include <set>
#include <string>

#include "api/resource.h"
#include "apiserver/rest/write_hook.h"
#include "apiserver/services/allocation_pool.h"
#include "apiserver/services/ip_range.h"
#include "store/store.h"

namespace berth::apiserver::services {

namespace json = boost::json;

class ServiceAllocator : public WriteHook {
 public:
  // `reserved_ips` maps an address offset of `cidr` (1 = first address) to the
  // "namespace/name" of the only service that may hold it.
  ServiceAllocator(Ipv4Range cidr, PortRange node_ports,
                   std::map<uint64_t, std::string> reserved_ips, uint64_t seed);
  ~ServiceAllocator() override;

  // Marks what every stored Service holds, then watches for deletions. Call
  // once, before serving. Services whose IP or ports lie outside the ranges
  // (a changed CIDR) keep them in their objects but hold nothing here.
  Status Rebuild(store::Store* store, const api::ResourceType& services);

  void PrepareForUpdate(json::object& obj, const json::object& old) override;
  StatusOr<std::unique_ptr<WriteReservation>> BeginWrite(json::object& obj,
                                                         const json::object* old) override;
  void AfterDelete(const json::object& obj) override;

  const Ipv4Range& cidr() const { return cidr_; }
  const PortRange& node_ports() const { return node_ports_; }
  uint64_t UsedIps() const;
  uint64_t UsedNodePorts() const;

 private:
  class Reservation;
  struct Holdings {
    std::optional<uint64_t> ip;  // offset in cidr_
    std::set<uint64_t> ports;    // offsets in node_ports_
  };
  Holdings HeldBy(const json::object& svc) const;
  void Finish(Reservation& r, bool commit);
  void ReleaseUid(const std::string& uid);

  const Ipv4Range cidr_;
  const PortRange node_ports_;
  const std::map<uint64_t, std::string> reserved_ips_;
  std::set<uint64_t> reserved_offsets_;
  uint64_t static_band_;  // offsets 1..static_band_ are taken dynamically last

  mutable std::mutex mu_;
  AllocationPool ips_;    // items: address offsets 0..size (0 = network, never used)
  AllocationPool ports_;  // items: port offsets in node_ports_
  std::mt19937_64 rng_;
  std::unique_ptr<store::Watch> watch_;
};

}  // namespace berth::apiserver::services
