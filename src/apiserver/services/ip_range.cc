#include "apiserver/services/ip_range.h"

#include <arpa/inet.h>

#include <charconv>

namespace berth::apiserver::services {

std::optional<uint32_t> ParseIpv4(const std::string& ip) {
  in_addr a{};
  if (inet_pton(AF_INET, ip.c_str(), &a) != 1) return std::nullopt;
  return ntohl(a.s_addr);
}

std::string FormatIpv4(uint32_t addr) {
  in_addr a{};
  a.s_addr = htonl(addr);
  char buf[INET_ADDRSTRLEN] = {};
  inet_ntop(AF_INET, &a, buf, sizeof buf);
  return buf;
}

StatusOr<Ipv4Range> Ipv4Range::Parse(const std::string& cidr) {
  auto slash = cidr.find('/');
  if (slash == std::string::npos) return BadRequest("service CIDR " + cidr + " is not IPv4/len");
  auto base = ParseIpv4(cidr.substr(0, slash));
  int prefix = -1;
  const char* first = cidr.data() + slash + 1;
  const char* last = cidr.data() + cidr.size();
  auto [end, ec] = std::from_chars(first, last, prefix);
  if (!base || ec != std::errc() || end != last || first == last) {
    return BadRequest("service CIDR " + cidr + " is not IPv4/len");
  }
  if (prefix < 12 || prefix > 30) {
    return BadRequest("service CIDR " + cidr + ": the prefix length must be 12..30");
  }
  Ipv4Range r;
  r.prefix_ = prefix;
  r.base_ = *base & (~uint32_t{0} << (32 - prefix));
  return r;
}

std::optional<uint64_t> Ipv4Range::Offset(const std::string& ip) const {
  auto a = ParseIpv4(ip);
  if (!a || *a < base_) return std::nullopt;
  uint64_t off = *a - base_;
  if (off < 1 || off > size()) return std::nullopt;
  return off;
}

std::string Ipv4Range::At(uint64_t offset) const {
  return FormatIpv4(base_ + static_cast<uint32_t>(offset));
}

std::string Ipv4Range::ToString() const { return FormatIpv4(base_) + "/" + std::to_string(prefix_); }

StatusOr<PortRange> PortRange::Parse(const std::string& text) {
  auto dash = text.find('-');
  std::string a = text.substr(0, dash);
  std::string b = dash == std::string::npos ? a : text.substr(dash + 1);
  auto num = [](const std::string& s, int64_t* out) {
    auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), *out);
    return !s.empty() && ec == std::errc() && end == s.data() + s.size();
  };
  PortRange r;
  if (!num(a, &r.first_) || !num(b, &r.last_) || r.first_ < 1 || r.last_ > 65535 ||
      r.first_ > r.last_) {
    return BadRequest("node port range " + text + " is not FIRST-LAST within 1-65535");
  }
  return r;
}

std::string PortRange::ToString() const {
  return std::to_string(first_) + "-" + std::to_string(last_);
}

}  // namespace berth::apiserver::services
