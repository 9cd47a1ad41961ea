#include "network/ipv4_cidr.h"

#include <arpa/inet.h>

namespace berth::network {
namespace {

uint32_t Mask(int prefix) { return prefix == 0 ? 0 : ~uint32_t{0} << (32 - prefix); }

}  // namespace

bool ParseIpv4(const std::string& text, uint32_t* out) {
  in_addr a{};
  if (inet_pton(AF_INET, text.c_str(), &a) != 1) return false;
  *out = ntohl(a.s_addr);
  return true;
}

std::string FormatIpv4(uint32_t addr) {
  in_addr a{};
  a.s_addr = htonl(addr);
  char buf[INET_ADDRSTRLEN] = {};
  inet_ntop(AF_INET, &a, buf, sizeof buf);
  return buf;
}

StatusOr<Ipv4Cidr> ParseIpv4Cidr(const std::string& text) {
  auto slash = text.find('/');
  if (slash == std::string::npos) return BadRequest("invalid CIDR \"" + text + "\": no prefix");
  uint32_t addr = 0;
  if (!ParseIpv4(text.substr(0, slash), &addr))
    return BadRequest("invalid CIDR \"" + text + "\": not an IPv4 address");
  std::string p = text.substr(slash + 1);
  if (p.empty() || p.size() > 2 || p.find_first_not_of("0123456789") != std::string::npos)
    return BadRequest("invalid CIDR \"" + text + "\": bad prefix");
  int prefix = std::stoi(p);
  if (prefix > 30) return BadRequest("invalid CIDR \"" + text + "\": prefix must be <= 30");
  return Ipv4Cidr{addr & Mask(prefix), prefix};
}

std::string Ipv4Cidr::ToString() const {
  return FormatIpv4(network) + "/" + std::to_string(prefix);
}

std::string Ipv4Cidr::FirstHost() const { return FormatIpv4(network + 1); }

bool Ipv4Cidr::Contains(const std::string& ip) const {
  uint32_t a = 0;
  return ParseIpv4(ip, &a) && (a & Mask(prefix)) == network;
}

}  // namespace berth::network
