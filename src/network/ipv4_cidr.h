// Ipv4Cidr: parsing and arithmetic for the node's IPv4 pod CIDR ("10.88.0.0/16").
//
// Thread-safety: plain value type. Errors: ParseIpv4Cidr gives BadRequest for malformed input.
#pragma once

#include <cstdint>
#include <string>

#include "common/status.h"

namespace berth::network {

struct Ipv4Cidr {
  uint32_t network = 0;  // host byte order, host bits cleared
  int prefix = 0;        // 0..32

  // "a.b.c.d/prefix" of the network address.
  std::string ToString() const;
  // The first usable address (network + 1), the conventional gateway; no prefix.
  std::string FirstHost() const;
  // True when `ip` (dotted quad, no prefix) lies inside this network.
  bool Contains(const std::string& ip) const;
};

// Parses "a.b.c.d/n". Host bits are cleared ("10.1.2.3/24" becomes 10.1.2.0/24).
StatusOr<Ipv4Cidr> ParseIpv4Cidr(const std::string& text);
// Parses a dotted quad into host byte order; false when malformed.
bool ParseIpv4(const std::string& text, uint32_t* out);
std::string FormatIpv4(uint32_t addr);

}  // namespace berth::network
