// DNS messages and their wire codec (RFC 1035 section 4, SRV RFC 2782, OPT RFC 6891).
//
// Decode never trusts its input: every length, count and compression pointer is checked against
// the packet, compression pointers must point strictly backwards (so loops are impossible),
// labels over 63 bytes, the reserved label types 0x40/0x80 and names over 255 bytes are
// rejected, and trailing garbage after the last record is an error. A decode error is a
// BadRequest Status (the resolver answers FORMERR).
//
// Encode compresses owner names and the names inside CNAME, PTR, NS, SRV and SOA data. Given a
// size limit it writes whole records only: when a record does not fit it stops, sets TC and
// keeps the OPT record (if the message has one) so the client retries over TCP.
//
// Pure functions; thread-safe; nothing throws.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "common/status.h"
#include "dns/dns_types.h"

namespace berth::dns {

struct Header {
  uint16_t id = 0;
  bool qr = false;  // response
  uint8_t opcode = 0;
  bool aa = false;  // authoritative answer
  bool tc = false;  // truncated
  bool rd = false;  // recursion desired
  bool ra = false;  // recursion available
  bool ad = false;
  bool cd = false;
  uint8_t rcode = 0;  // low 4 bits
};

struct Question {
  std::string name;  // presentation form, no trailing dot (see name.h)
  uint16_t type = kTypeA;
  uint16_t klass = kClassIN;
};

struct SrvData {
  uint16_t priority = 0;
  uint16_t weight = 0;
  uint16_t port = 0;
  std::string target;
};

struct SoaData {
  std::string mname;
  std::string rname;
  uint32_t serial = 0;
  uint32_t refresh = 0;
  uint32_t retry = 0;
  uint32_t expire = 0;
  uint32_t minimum = 0;
};

// Uninterpreted record data (OPT, AAAA, TXT and every type berth does not parse).
struct RawData {
  std::string bytes;
};
// The single name of CNAME, PTR and NS records.
struct NameData {
  std::string name;
};

// Record data by type: A -> uint32_t (IPv4), CNAME/PTR/NS -> NameData, SRV, SOA, else RawData.
using RecordData = std::variant<RawData, uint32_t, NameData, SrvData, SoaData>;

struct Record {
  std::string name;
  uint16_t type = kTypeA;
  uint16_t klass = kClassIN;  // for OPT: the advertised UDP payload size
  uint32_t ttl = 0;           // for OPT: extended rcode, version and flags
  RecordData data;
};

struct Message {
  Header header;
  std::vector<Question> questions;
  std::vector<Record> answers;
  std::vector<Record> authority;
  std::vector<Record> additional;
};

// Record constructors for the types berth answers with.
Record MakeA(std::string name, uint32_t ttl, uint32_t ip);
Record MakeCname(std::string name, uint32_t ttl, std::string target);
Record MakePtr(std::string name, uint32_t ttl, std::string target);
Record MakeSrv(std::string name, uint32_t ttl, SrvData srv);
Record MakeSoa(std::string name, uint32_t ttl, SoaData soa);
// An EDNS0 OPT pseudo-record advertising `udp_size` (version 0, no options).
Record MakeOpt(uint16_t udp_size);

StatusOr<Message> Decode(const uint8_t* data, size_t size);
inline StatusOr<Message> Decode(std::string_view packet) {
  return Decode(reinterpret_cast<const uint8_t*>(packet.data()), packet.size());
}

// Reads only the 12-byte header; false when the packet is shorter.
bool DecodeHeader(const uint8_t* data, size_t size, Header* header);

// Encodes `msg`, limited to `max_size` bytes as described above (65535 = no truncation; a
// message that does not fit even without records keeps header and questions).
std::string Encode(const Message& msg, size_t max_size = 65535);

}  // namespace berth::dns
