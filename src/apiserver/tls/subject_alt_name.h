// Subject alternative names for serving certificates: classifying a user-given
// string as an IP address or a DNS name, in a canonical form so SAN sets can be
// compared (to decide whether a serving certificate must be re-issued).
//
// Pure functions; thread-safe.
#pragma once

#include <compare>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace berth::apiserver::tls {

struct SubjectAltName {
  enum class Kind { kDns, kIp };
  Kind kind = Kind::kDns;
  // Canonical text: an IP as inet_ntop prints it ("::1", "10.0.0.1"), a DNS
  // name in lower case.
  std::string value;

  auto operator<=>(const SubjectAltName&) const = default;
  bool operator==(const SubjectAltName&) const = default;
  // "IP:127.0.0.1" / "DNS:localhost", for messages.
  std::string ToString() const;
};

// Parses "10.1.2.3", "::1", "[fe80::1]" as IPs; anything else must be a DNS
// name (letters, digits, '-', '.', '_' and a leading "*." wildcard).
// BadRequest for an empty or malformed name.
StatusOr<SubjectAltName> ParseSubjectAltName(std::string_view text);

// Sorted and without duplicates.
std::vector<SubjectAltName> CanonicalSanSet(std::vector<SubjectAltName> sans);

// Packs the IP in `san` (kind kIp) into 4 or 16 network-order bytes.
std::string IpBytes(const SubjectAltName& san);
// The canonical text of 4 or 16 network-order bytes; empty if another size.
std::string IpText(std::string_view bytes);

}  // namespace berth::apiserver::tls
