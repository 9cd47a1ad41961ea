// DNS protocol constants shared by the codec, the zone and the resolver (RFC 1035, 2782, 6891).
// Plain values only; no behaviour.
#pragma once

#include <cstdint>

namespace berth::dns {

// Resource record types berth knows by name; any other 16-bit value is carried as raw data.
enum RecordType : uint16_t {
  kTypeA = 1,
  kTypeNS = 2,
  kTypeCNAME = 5,
  kTypeSOA = 6,
  kTypePTR = 12,
  kTypeMX = 15,
  kTypeTXT = 16,
  kTypeAAAA = 28,
  kTypeSRV = 33,
  kTypeOPT = 41,
  kTypeAXFR = 252,
  kTypeANY = 255,
};

enum RecordClass : uint16_t {
  kClassIN = 1,
  kClassCH = 3,
  kClassANY = 255,
};

enum Rcode : uint8_t {
  kRcodeNoError = 0,
  kRcodeFormErr = 1,
  kRcodeServFail = 2,
  kRcodeNxDomain = 3,
  kRcodeNotImp = 4,
  kRcodeRefused = 5,
};

enum Opcode : uint8_t {
  kOpcodeQuery = 0,
};

inline constexpr size_t kHeaderSize = 12;
inline constexpr size_t kMaxNameWireLength = 255;
inline constexpr size_t kMaxLabelLength = 63;
// Classic UDP payload limit without EDNS0.
inline constexpr size_t kClassicUdpSize = 512;
// The payload size berth advertises and honours at most with EDNS0 (the DNS flag day 2020 value).
inline constexpr size_t kEdnsUdpSize = 1232;

}  // namespace berth::dns
