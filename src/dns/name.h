// Domain names and IPv4 addresses as text, the way the DNS codec, zone and resolver share them.
//
// A name is held in presentation form without the trailing dot ("web.default.svc.cluster.local";
// "" is the root). Label bytes that would be ambiguous in text ('.', '\\') or are not printable
// ASCII are escaped as "\." "\\" "\DDD", so every wire name round-trips through text exactly.
// Comparisons in DNS are ASCII case-insensitive: lookups use LowerAscii() of the name.
//
// IPv4 addresses are uint32_t in host byte order (10.96.0.1 == 0x0A600001).
// Pure functions; thread-safe; nothing throws.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace berth::dns {

// Splits a presentation-form name into raw (unescaped) labels. A single trailing dot is
// accepted. False when the name is not valid on the wire: an empty label, a label over 63
// bytes, a name over 255 bytes in wire form, or a bad escape.
bool SplitName(std::string_view text, std::vector<std::string>* labels);

// The presentation form of one raw label (escaping as described above), appended to `out`.
void AppendEscapedLabel(std::string_view raw, std::string* out);

// ASCII lower-casing (DNS names compare case-insensitively; other bytes are left alone).
std::string LowerAscii(std::string_view s);

// True if `name` equals `zone` or ends with "." + zone (both already lower-cased, no trailing
// dot; every name is inside the root zone "").
bool InZone(std::string_view name, std::string_view zone);

// "10.96.0.1" <-> 0x0A600001. Parse accepts exactly four decimal octets 0..255 without leading
// zeros beyond "0".
std::optional<uint32_t> ParseIPv4(std::string_view text);
std::string FormatIPv4(uint32_t ip);

// The dashed form used in pod and endpoint names: "10-244-1-7" <-> 10.244.1.7.
std::optional<uint32_t> ParseDashedIPv4(std::string_view label);
std::string DashedIPv4(uint32_t ip);

// "7.1.244.10.in-addr.arpa" for 10.244.1.7, and back (from lower-cased labels).
std::string ReverseName(uint32_t ip);
std::optional<uint32_t> ParseReverseName(const std::vector<std::string>& lower_labels);

}  // namespace berth::dns
