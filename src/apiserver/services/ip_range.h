// Ipv4Range and PortRange: the address and port ranges services are given
// from, as `--service-cidr 10.96.0.0/16` and `--service-node-port-range
// 30000-32767` name them. Items are numbered by offset so an allocation pool
// (allocation_pool.h) can hold them: an IPv4 range's offsets 1..size() are its
// usable addresses (the network and broadcast addresses are never handed out);
// a port range's offsets 0..size()-1 are its ports. Immutable values; pure.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "common/status.h"

namespace berth::apiserver::services {

class Ipv4Range {
 public:
  // "10.96.0.0/16"; the prefix length must be 12..30 (kube refuses wider
  // service ranges). Host bits are cleared. 400 BadRequest when malformed.
  static StatusOr<Ipv4Range> Parse(const std::string& cidr);

  // Number of usable addresses (2^(32-prefix) - 2).
  uint64_t size() const { return (uint64_t{1} << (32 - prefix_)) - 2; }
  // Offset (1..size()) of a dotted address inside the range; nullopt when the
  // text is no IPv4 address or is outside the usable range.
  std::optional<uint64_t> Offset(const std::string& ip) const;
  // The address at `offset` (1 = the first usable address).
  std::string At(uint64_t offset) const;
  std::string ToString() const;  // "10.96.0.0/16"

 private:
  uint32_t base_ = 0;
  int prefix_ = 32;
};

class PortRange {
 public:
  // "30000-32767" (or a single port "30000"); 1 <= first <= last <= 65535.
  static StatusOr<PortRange> Parse(const std::string& text);

  uint64_t size() const { return static_cast<uint64_t>(last_ - first_ + 1); }
  bool Contains(int64_t port) const { return port >= first_ && port <= last_; }
  uint64_t Offset(int64_t port) const { return static_cast<uint64_t>(port - first_); }
  int64_t At(uint64_t offset) const { return first_ + static_cast<int64_t>(offset); }
  std::string ToString() const;  // "30000-32767"

 private:
  int64_t first_ = 0;
  int64_t last_ = -1;
};

// Parses a dotted IPv4 address (host byte order); nullopt when it is none.
std::optional<uint32_t> ParseIpv4(const std::string& ip);
std::string FormatIpv4(uint32_t addr);

}  // namespace berth::apiserver::services
