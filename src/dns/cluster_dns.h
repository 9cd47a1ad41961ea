// ClusterDns: berth's cluster DNS server (CoreDNS's kubernetes plugin, from scratch).
//
// Informers on Services and EndpointSlices keep a Zone current (see zone.h for the names it
// answers); a Resolver turns queries into answers; one DnsServer per listen address serves UDP
// and TCP; names outside the cluster domain go to `upstreams` over UDP (2 s per upstream), or
// get REFUSED when there are none.
//
//   ClusterDns dns(client, {.cluster_domain = "cluster.local", .listen = {"10.96.0.10:53"},
//                           .upstreams = {"1.1.1.1:53"}});
//   Status st = dns.Start();   // binds every address (error if one is taken), starts informers
//   ...
//   dns.Stop();
//
// Thread-safety: Start/Stop from one thread. zone() may be read from any thread.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "client/interface.h"
#include "common/status.h"

namespace berth::controller {
class Informer;
}

namespace berth::dns {

class Zone;
class Resolver;
class Forwarder;
class DnsServer;

struct ClusterDnsOptions {
  std::string cluster_domain = "cluster.local";
  std::vector<std::string> listen;     // "ip:port", each served on UDP and TCP
  std::vector<std::string> upstreams;  // "ip:port" for names outside the cluster; empty = REFUSED
  uint32_t ttl = 5;
  int udp_threads = 2;  // receiving threads per listen address
};

class ClusterDns {
 public:
  ClusterDns(client::Interface* api, ClusterDnsOptions options);
  ~ClusterDns();
  ClusterDns(const ClusterDns&) = delete;
  ClusterDns& operator=(const ClusterDns&) = delete;

  // Binds every listen address (BadRequest for a malformed one, InternalError when taken;
  // nothing stays bound on error), then starts the informers and server threads. Answers
  // come from whatever the informers have seen so far (no wait for the first list).
  Status Start();
  void Stop();

  // The ports actually bound, in `listen` order (useful with port 0).
  std::vector<uint16_t> ports() const;
  const Zone& zone() const { return *zone_; }

 private:
  client::Interface* api_;
  ClusterDnsOptions options_;
  std::unique_ptr<Zone> zone_;
  std::unique_ptr<Resolver> resolver_;
  std::unique_ptr<Forwarder> forwarder_;
  std::vector<std::unique_ptr<DnsServer>> servers_;
  std::unique_ptr<controller::Informer> services_;
  std::unique_ptr<controller::Informer> slices_;
};

}  // namespace berth::dns
