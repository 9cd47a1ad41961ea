// Zone: the cluster's DNS records, indexed for lookup by name (CoreDNS's kubernetes plugin data).
//
// It is fed plain ServiceInfo / SliceInfo values (see k8s_objects.h for the translation from API
// objects) and renders each service's records once per change, so lookups only read prepared
// data. Names under the cluster domain D (default "cluster.local"):
//
//   D                                      apex: SOA; exists (NODATA for other types)
//   svc.D, pod.D, <ns>.pod.D               empty non-terminals (exist, no records)
//   <ns>.svc.D                             exists while the namespace has a service
//   <svc>.<ns>.svc.D                       A = cluster IPs; headless: A = ready endpoint IPs
//                                          (every endpoint with publishNotReadyAddresses);
//                                          ExternalName: CNAME; SRV = every port
//   <ep>.<svc>.<ns>.svc.D                  A of one endpoint; <ep> = its hostname, or its IP
//                                          dashed ("10-244-1-7") when it has none
//   _<proto>.<svc>.<ns>.svc.D              exists when a port has that protocol
//   _<port>._<proto>.<svc>.<ns>.svc.D      SRV: ClusterIP -> target <svc>.<ns>.svc.D with the
//                                          service port; headless -> one per endpoint, target
//                                          <ep>.<svc>.<ns>.svc.D with the endpoint port
//   a-b-c-d.<ns>.pod.D                     A a.b.c.d ("pods insecure": the IP in the name)
//   d.c.b.a.in-addr.arpa                   PTR for cluster IPs and endpoint IPs
//
// Only IPv4 addresses are indexed. Thread-safety: every method may be called from any thread;
// updates take an exclusive lock, lookups a shared one and copy their result out.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <shared_mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "dns/message.h"

namespace berth::dns {

struct PortInfo {
  std::string name;      // "" when unnamed (only listed by the service-wide SRV query)
  std::string protocol;  // lower case: "tcp", "udp", "sctp"
  uint16_t port = 0;
};

struct ServiceInfo {
  enum class Kind { kClusterIP, kHeadless, kExternalName };
  std::string ns;
  std::string name;
  Kind kind = Kind::kClusterIP;
  std::vector<uint32_t> cluster_ips;  // IPv4 only; empty while unallocated
  std::string external_name;          // kExternalName
  std::vector<PortInfo> ports;
  bool publish_not_ready = false;
};

struct EndpointInfo {
  std::vector<uint32_t> addresses;
  bool ready = true;     // conditions.ready (unset = ready)
  std::string hostname;  // "" = none
};

struct SliceInfo {
  std::string ns;
  std::string name;
  std::string service;  // label kubernetes.io/service-name
  std::vector<EndpointInfo> endpoints;
  std::vector<PortInfo> ports;
};

// An SRV answer with the A records of its target (for the additional section).
struct SrvTarget {
  SrvData srv;
  std::vector<uint32_t> glue;
};

struct ZoneLookup {
  enum class Kind {
    kOutside,      // not a name of this zone (forward it)
    kReverseMiss,  // an in-addr.arpa name of an address the zone does not know
    kNxDomain,     // under the cluster domain, but no such name
    kFound,        // the name exists; the vectors hold its records (possibly none)
  };
  Kind kind = Kind::kOutside;
  bool apex = false;  // the cluster domain itself
  std::vector<uint32_t> a;
  std::string cname;
  std::vector<SrvTarget> srv;
  std::vector<std::string> ptr;
};

class Zone {
 public:
  explicit Zone(std::string domain = "cluster.local");
  ~Zone();
  Zone(const Zone&) = delete;
  Zone& operator=(const Zone&) = delete;

  const std::string& domain() const { return domain_; }

  void UpsertService(ServiceInfo svc);
  void RemoveService(const std::string& ns, const std::string& name);
  void UpsertSlice(SliceInfo slice);
  void RemoveSlice(const std::string& ns, const std::string& name);

  // `lower_labels` is the query name split into lower-cased raw labels (see name.h). Only the
  // records a query of `qtype` needs are copied out (kTypeANY: all); the kind is the same for
  // every type.
  ZoneLookup Lookup(const std::vector<std::string>& lower_labels, uint16_t qtype = kTypeANY) const;

  size_t ServiceCount() const;

 private:
  struct Rendered;

  // Recomputes the records of service "ns/name" from its spec and slices. Caller holds mu_.
  void RenderLocked(const std::string& ns, const std::string& name);
  std::shared_ptr<const Rendered> Render(const ServiceInfo& svc,
                                         const std::map<std::string, SliceInfo>& slices) const;
  void SetRenderedLocked(const std::string& key, std::shared_ptr<const Rendered> r);

  const std::string domain_;
  std::vector<std::string> domain_labels_;

  mutable std::shared_mutex mu_;
  // Keyed "<name>.<ns>" (the order the labels come in a query).
  std::unordered_map<std::string, ServiceInfo> services_;
  // Slices by the service they belong to ("<name>.<ns>"), then by slice name.
  std::unordered_map<std::string, std::map<std::string, SliceInfo>> slices_;
  // Which service key each slice ("<ns>/<slice>") was filed under.
  std::unordered_map<std::string, std::string> slice_owner_;
  std::unordered_map<std::string, std::shared_ptr<const Rendered>> rendered_;
  std::unordered_map<std::string, int> services_per_ns_;
  // Reverse index: IPv4 -> (rendered service, index into its ptrs). Entries are removed before
  // their Rendered is released.
  std::unordered_map<uint32_t, std::vector<std::pair<const Rendered*, uint32_t>>> reverse_;
};

}  // namespace berth::dns
