// Resolver: one DNS query packet in, the response packet out (or "drop", or "forward").
//
// It answers names under the cluster domain and in-addr.arpa names of known addresses from a
// Zone, authoritatively (AA): NXDOMAIN when the name does not exist, NODATA (NOERROR, empty
// answer, the zone's SOA in authority) when it exists without records of the asked type. AAAA
// for cluster names is always NODATA (no IPv6 yet). SRV answers carry their targets' A records
// in the additional section. EDNS0 is honoured: a query with an OPT record gets one back and
// may receive up to min(its advertised size, 1232) bytes over UDP; without, 512. Longer UDP
// answers are cut at a whole record with TC set so the client retries over TCP.
//
// Everything else is for upstream servers: Handle returns kForward when upstreams exist;
// without them names outside the cluster get REFUSED and unknown reverse names NXDOMAIN.
//
// Input is untrusted: packets shorter than a header and responses (QR set) are dropped,
// undecodable packets get FORMERR, other opcodes NOTIMP, classes other than IN/ANY REFUSED,
// zone transfers REFUSED.
//
// Thread-safety: Handle is const and may run on many threads at once (the Zone locks itself).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "dns/zone.h"

namespace berth::dns {

enum class Transport { kUdp, kTcp };

struct ResolverOptions {
  uint32_t ttl = 5;
  bool has_upstreams = false;
};

struct Resolution {
  enum class Action { kReply, kDrop, kForward };
  Action action = Action::kDrop;
  std::string reply;  // kReply: the response packet
};

class Resolver {
 public:
  Resolver(const Zone* zone, ResolverOptions options);

  Resolution Handle(std::string_view packet, Transport transport) const;

  // A reply to `query` (which must decode) with `rcode` and no records, e.g. SERVFAIL when
  // forwarding failed. Empty when the query does not decode.
  static std::string ErrorReply(std::string_view query, uint8_t rcode);

 private:
  Record Soa(const std::string& zone_name) const;

  const Zone* zone_;
  ResolverOptions options_;
  uint32_t serial_;
};

}  // namespace berth::dns
