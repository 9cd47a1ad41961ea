#include "dns/resolver.h"

#include <algorithm>
#include <chrono>
#include <set>
#include <utility>
#include <vector>

#include "dns/name.h"

namespace berth::dns {

namespace {

constexpr uint8_t kExtendedBadVers = 16;  // RFC 6891: BADVERS, upper 8 bits in the OPT TTL

Message ReplyTo(const Message& query) {
  Message m;
  m.header.id = query.header.id;
  m.header.qr = true;
  m.header.opcode = query.header.opcode;
  m.header.rd = query.header.rd;
  m.header.cd = query.header.cd;
  m.questions = query.questions;
  return m;
}

Resolution Reply(const Message& m, size_t limit) {
  return Resolution{Resolution::Action::kReply, Encode(m, limit)};
}

}  // namespace

Resolver::Resolver(const Zone* zone, ResolverOptions options)
    : zone_(zone),
      options_(options),
      serial_(static_cast<uint32_t>(std::chrono::duration_cast<std::chrono::seconds>(
                                        std::chrono::system_clock::now().time_since_epoch())
                                        .count())) {}

Record Resolver::Soa(const std::string& zone_name) const {
  SoaData soa;
  soa.mname = "ns.dns." + zone_->domain();
  soa.rname = "hostmaster." + zone_->domain();
  soa.serial = serial_;
  soa.refresh = 7200;
  soa.retry = 1800;
  soa.expire = 86400;
  soa.minimum = options_.ttl;
  return MakeSoa(zone_name, options_.ttl, std::move(soa));
}

std::string Resolver::ErrorReply(std::string_view query, uint8_t rcode) {
  StatusOr<Message> q = Decode(query);
  if (!q.ok()) return "";
  Message m = ReplyTo(*q);
  m.header.rcode = rcode;
  m.header.ra = true;
  return Encode(m);
}

Resolution Resolver::Handle(std::string_view packet, Transport transport) const {
  Header h;
  if (!DecodeHeader(reinterpret_cast<const uint8_t*>(packet.data()), packet.size(), &h) || h.qr) {
    return Resolution{};  // kDrop
  }
  StatusOr<Message> decoded = Decode(packet);
  if (!decoded.ok()) {
    Message m;
    m.header.id = h.id;
    m.header.qr = true;
    m.header.opcode = h.opcode;
    m.header.rd = h.rd;
    m.header.rcode = kRcodeFormErr;
    return Reply(m, kClassicUdpSize);
  }
  const Message& query = *decoded;
  Message m = ReplyTo(query);
  m.header.ra = options_.has_upstreams;

  // EDNS0.
  size_t udp_limit = kClassicUdpSize;
  int opts = 0;
  for (const Record& r : query.additional) {
    if (r.type != kTypeOPT) continue;
    ++opts;
    udp_limit = std::clamp<size_t>(r.klass, kClassicUdpSize, kEdnsUdpSize);
    if (((r.ttl >> 16) & 0xff) != 0) {
      Record opt = MakeOpt(kEdnsUdpSize);
      opt.ttl = static_cast<uint32_t>(kExtendedBadVers >> 4) << 24;
      m.additional.push_back(opt);
      m.header.rcode = kExtendedBadVers & 0x0F;
      return Reply(m, udp_limit);
    }
  }
  if (opts > 1) {
    m.header.rcode = kRcodeFormErr;
    return Reply(m, kClassicUdpSize);
  }
  if (opts == 1) m.additional.push_back(MakeOpt(kEdnsUdpSize));
  const size_t limit = transport == Transport::kUdp ? udp_limit : 65535;

  if (query.header.opcode != kOpcodeQuery) {
    m.header.rcode = kRcodeNotImp;
    return Reply(m, limit);
  }
  if (query.questions.size() != 1) {
    m.header.rcode = kRcodeFormErr;
    return Reply(m, limit);
  }
  const Question& q = query.questions[0];
  if (q.klass != kClassIN && q.klass != kClassANY) {
    m.header.rcode = kRcodeRefused;
    return Reply(m, limit);
  }

  std::vector<std::string> labels;
  if (!SplitName(q.name, &labels)) {
    m.header.rcode = kRcodeFormErr;
    return Reply(m, limit);
  }
  for (std::string& l : labels) l = LowerAscii(l);
  ZoneLookup found = zone_->Lookup(labels, q.type);

  switch (found.kind) {
    case ZoneLookup::Kind::kOutside:
    case ZoneLookup::Kind::kReverseMiss:
      if (options_.has_upstreams) return Resolution{Resolution::Action::kForward, ""};
      if (found.kind == ZoneLookup::Kind::kOutside) {
        m.header.rcode = kRcodeRefused;
      } else {
        m.header.rcode = kRcodeNxDomain;
      }
      return Reply(m, limit);
    case ZoneLookup::Kind::kNxDomain:
    case ZoneLookup::Kind::kFound:
      break;
  }

  const bool reverse = labels.size() == 6 && labels[4] == "in-addr";
  const std::string soa_owner = reverse ? "in-addr.arpa" : zone_->domain();
  m.header.aa = true;
  if (q.type == kTypeAXFR || q.type == 251 /*IXFR*/) {
    m.header.rcode = kRcodeRefused;
    return Reply(m, limit);
  }
  if (found.kind == ZoneLookup::Kind::kNxDomain) {
    m.header.rcode = kRcodeNxDomain;
    m.authority.push_back(Soa(soa_owner));
    return Reply(m, limit);
  }

  const uint32_t ttl = options_.ttl;
  const uint16_t t = q.type;
  const bool any = t == kTypeANY;
  if (!found.cname.empty()) {
    // ExternalName: the alias answers every type. A target inside the cluster domain is
    // followed here (stub resolvers do not chase CNAMEs); others are left to the client.
    m.answers.push_back(MakeCname(q.name, ttl, found.cname));
    std::string target = found.cname;
    for (int hop = 0; hop < 8 && t != kTypeCNAME; ++hop) {
      std::vector<std::string> tl;
      if (!SplitName(target, &tl)) break;
      for (std::string& l : tl) l = LowerAscii(l);
      ZoneLookup next = zone_->Lookup(tl, t);
      if (next.kind != ZoneLookup::Kind::kFound) break;
      if (!next.cname.empty()) {
        m.answers.push_back(MakeCname(target, ttl, next.cname));
        target = next.cname;
        continue;
      }
      if (t == kTypeA || any) {
        for (uint32_t ip : next.a) m.answers.push_back(MakeA(target, ttl, ip));
      }
      break;
    }
  } else {
    if (t == kTypeA || any) {
      for (uint32_t ip : found.a) m.answers.push_back(MakeA(q.name, ttl, ip));
    }
    if (t == kTypeSRV || any) {
      std::set<std::string> glued;
      for (const SrvTarget& s : found.srv) {
        m.answers.push_back(MakeSrv(q.name, ttl, s.srv));
        if (!glued.insert(s.srv.target).second) continue;
        for (uint32_t ip : s.glue) m.additional.push_back(MakeA(s.srv.target, ttl, ip));
      }
    }
    if (t == kTypePTR || any) {
      for (const std::string& p : found.ptr) m.answers.push_back(MakePtr(q.name, ttl, p));
    }
    if ((t == kTypeSOA || any) && found.apex) m.answers.push_back(Soa(q.name));
  }
  if (m.answers.empty()) m.authority.push_back(Soa(soa_owner));  // NODATA
  // The OPT record (if any) goes last among the additional records.
  if (opts == 1 && m.additional.size() > 1) {
    std::rotate(m.additional.begin(), m.additional.begin() + 1, m.additional.end());
  }
  return Reply(m, limit);
}

}  // namespace berth::dns
