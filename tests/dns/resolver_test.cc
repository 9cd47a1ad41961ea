// Resolver: packets in, packets out, for every record type and every error path.
#include "dns/resolver.h"

#include <gtest/gtest.h>

#include "dns/name.h"
#include "dns_test_util.h"
#include "zone_fixture.h"

namespace berth::dns {
namespace {

using testing::Ip;
using testing::Query;

class ResolverTest : public ::testing::Test {
 protected:
  void SetUp() override { testing::FillZone(&zone_); }

  Message Ask(const std::string& name, uint16_t type, Transport t = Transport::kUdp,
              uint16_t edns = 0, const Resolver* resolver = nullptr) {
    Resolution r = (resolver ? resolver : &resolver_)->Handle(Query(name, type, 0x4242, edns), t);
    EXPECT_EQ(r.action, Resolution::Action::kReply);
    auto m = Decode(r.reply);
    EXPECT_TRUE(m.ok()) << m.status().ToString();
    if (!m.ok()) return {};
    EXPECT_EQ(m->header.id, 0x4242);
    EXPECT_TRUE(m->header.qr);
    EXPECT_TRUE(m->header.rd);
    EXPECT_EQ(m->questions.size(), 1u);
    if (t == Transport::kUdp) {
      EXPECT_LE(r.reply.size(), edns ? std::max<size_t>(512, std::min<size_t>(edns, 1232)) : 512);
    }
    return *m;
  }

  static void ExpectNoData(const Message& m) {
    EXPECT_EQ(m.header.rcode, kRcodeNoError);
    EXPECT_TRUE(m.header.aa);
    EXPECT_TRUE(m.answers.empty());
    ASSERT_EQ(m.authority.size(), 1u);
    EXPECT_EQ(m.authority[0].type, kTypeSOA);
  }
  static void ExpectNxDomain(const Message& m) {
    EXPECT_EQ(m.header.rcode, kRcodeNxDomain);
    EXPECT_TRUE(m.header.aa);
    EXPECT_TRUE(m.answers.empty());
    ASSERT_EQ(m.authority.size(), 1u);
    EXPECT_EQ(m.authority[0].type, kTypeSOA);
    EXPECT_EQ(m.authority[0].name, "cluster.local");
  }

  Zone zone_{"cluster.local"};
  Resolver resolver_{&zone_, ResolverOptions{7, false}};
};

TEST_F(ResolverTest, AForClusterIPKeepsQueryCase) {
  Message m = Ask("Web.Default.svc.cluster.local.", kTypeA);
  EXPECT_EQ(m.header.rcode, kRcodeNoError);
  EXPECT_TRUE(m.header.aa);
  EXPECT_FALSE(m.header.tc);
  EXPECT_FALSE(m.header.ra);  // no upstreams
  ASSERT_EQ(m.answers.size(), 1u);
  EXPECT_EQ(m.answers[0].name, "Web.Default.svc.cluster.local");
  EXPECT_EQ(m.answers[0].ttl, 7u);
  EXPECT_EQ(std::get<uint32_t>(m.answers[0].data), Ip("10.96.0.10"));
}

TEST_F(ResolverTest, HeadlessAndHostnames) {
  Message m = Ask("db.default.svc.cluster.local", kTypeA);
  EXPECT_EQ(m.answers.size(), 3u);
  m = Ask("db-1.db.default.svc.cluster.local", kTypeA);
  ASSERT_EQ(m.answers.size(), 1u);
  EXPECT_EQ(std::get<uint32_t>(m.answers[0].data), Ip("10.244.2.2"));
}

TEST_F(ResolverTest, SrvWithGlue) {
  Message m = Ask("_pg._tcp.db.default.svc.cluster.local", kTypeSRV);
  ASSERT_EQ(m.answers.size(), 3u);
  EXPECT_EQ(m.additional.size(), 3u);
  for (const Record& a : m.additional) EXPECT_EQ(a.type, kTypeA);
  m = Ask("_http._tcp.web.default.svc.cluster.local", kTypeSRV);
  ASSERT_EQ(m.answers.size(), 1u);
  const auto& srv = std::get<SrvData>(m.answers[0].data);
  EXPECT_EQ(srv.port, 80);
  EXPECT_EQ(srv.target, "web.default.svc.cluster.local");
  ASSERT_EQ(m.additional.size(), 1u);
  EXPECT_EQ(m.additional[0].name, "web.default.svc.cluster.local");
}

TEST_F(ResolverTest, CnamePodAndPtr) {
  Message m = Ask("ext.default.svc.cluster.local", kTypeA);
  ASSERT_EQ(m.answers.size(), 1u);
  EXPECT_EQ(m.answers[0].type, kTypeCNAME);
  EXPECT_EQ(std::get<NameData>(m.answers[0].data).name, "example.com");
  m = Ask("10-244-1-99.default.pod.cluster.local", kTypeA);
  ASSERT_EQ(m.answers.size(), 1u);
  EXPECT_EQ(std::get<uint32_t>(m.answers[0].data), Ip("10.244.1.99"));
  m = Ask("10.0.96.10.in-addr.arpa", kTypePTR);
  EXPECT_TRUE(m.header.aa);
  ASSERT_EQ(m.answers.size(), 1u);
  EXPECT_EQ(std::get<NameData>(m.answers[0].data).name, "web.default.svc.cluster.local");
  // Unknown reverse name without upstreams: NXDOMAIN (not authoritative).
  m = Ask("9.9.9.10.in-addr.arpa", kTypePTR);
  EXPECT_EQ(m.header.rcode, kRcodeNxDomain);
  EXPECT_FALSE(m.header.aa);
}

TEST_F(ResolverTest, CnameToAClusterNameIsFollowed) {
  // An ExternalName pointing at another service of the cluster (in any case, with a trailing
  // dot) carries the target's A records too; a CNAME query gets the alias alone.
  zone_.UpsertService(ServiceInfo{"default", "alias", ServiceInfo::Kind::kExternalName, {},
                                  "Web.Default.svc.cluster.local.", {}, false});
  zone_.UpsertService(ServiceInfo{"default", "alias2", ServiceInfo::Kind::kExternalName, {},
                                  "alias.default.svc.cluster.local", {}, false});
  Message m = Ask("alias.default.svc.cluster.local", kTypeA);
  ASSERT_EQ(m.answers.size(), 2u);
  EXPECT_EQ(m.answers[0].type, kTypeCNAME);
  EXPECT_EQ(m.answers[1].type, kTypeA);
  EXPECT_EQ(std::get<uint32_t>(m.answers[1].data), Ip("10.96.0.10"));
  m = Ask("alias2.default.svc.cluster.local", kTypeA);  // a chain of two aliases
  ASSERT_EQ(m.answers.size(), 3u);
  EXPECT_EQ(m.answers[1].type, kTypeCNAME);
  EXPECT_EQ(std::get<uint32_t>(m.answers[2].data), Ip("10.96.0.10"));
  m = Ask("alias.default.svc.cluster.local", kTypeCNAME);
  ASSERT_EQ(m.answers.size(), 1u);
  // A target that does not exist in the cluster: the alias alone.
  zone_.UpsertService(ServiceInfo{"default", "dangling", ServiceInfo::Kind::kExternalName, {},
                                  "nosuch.default.svc.cluster.local", {}, false});
  m = Ask("dangling.default.svc.cluster.local", kTypeA);
  ASSERT_EQ(m.answers.size(), 1u);
  // Aliases pointing at each other end after a bounded number of hops.
  zone_.UpsertService(ServiceInfo{"default", "loop", ServiceInfo::Kind::kExternalName, {},
                                  "loop.default.svc.cluster.local", {}, false});
  m = Ask("loop.default.svc.cluster.local", kTypeA);
  EXPECT_LE(m.answers.size(), 9u);
  EXPECT_EQ(m.header.rcode, kRcodeNoError);
}

TEST_F(ResolverTest, NxDomainVersusNoData) {
  ExpectNxDomain(Ask("nope.default.svc.cluster.local", kTypeA));
  ExpectNxDomain(Ask("web.nope.svc.cluster.local", kTypeA));
  ExpectNxDomain(Ask("_nope._tcp.web.default.svc.cluster.local", kTypeSRV));
  ExpectNxDomain(Ask("x.cluster.local", kTypeA));
  // Existing names without records of the type.
  ExpectNoData(Ask("web.default.svc.cluster.local", kTypeAAAA));
  ExpectNoData(Ask("db-0.db.default.svc.cluster.local", kTypeAAAA));
  ExpectNoData(Ask("web.default.svc.cluster.local", kTypeTXT));
  ExpectNoData(Ask("default.svc.cluster.local", kTypeA));
  ExpectNoData(Ask("svc.cluster.local", kTypeA));
  ExpectNoData(Ask("_tcp.web.default.svc.cluster.local", kTypeSRV));
  ExpectNoData(Ask("10-1-2-3.ns.pod.cluster.local", kTypeAAAA));
  ExpectNoData(Ask("10.0.96.10.in-addr.arpa", kTypeA));
  // The apex: SOA answers, other types NODATA.
  Message soa = Ask("cluster.local", kTypeSOA);
  ASSERT_EQ(soa.answers.size(), 1u);
  const auto& data = std::get<SoaData>(soa.answers[0].data);
  EXPECT_EQ(data.mname, "ns.dns.cluster.local");
  EXPECT_EQ(data.minimum, 7u);
  ExpectNoData(Ask("cluster.local", kTypeA));
}

TEST_F(ResolverTest, TruncatesLargeUdpAnswers) {
  Message udp = Ask("big.other.svc.cluster.local", kTypeA);
  EXPECT_TRUE(udp.header.tc);
  EXPECT_LT(udp.answers.size(), 100u);
  Message edns = Ask("big.other.svc.cluster.local", kTypeA, Transport::kUdp, 4096);
  EXPECT_TRUE(edns.header.tc);  // 100 A records are ~1.6 KB: more than 1232
  EXPECT_GT(edns.answers.size(), udp.answers.size());
  ASSERT_FALSE(edns.additional.empty());
  EXPECT_EQ(edns.additional.back().type, kTypeOPT);
  EXPECT_EQ(edns.additional.back().klass, 1232);
  Message tcp = Ask("big.other.svc.cluster.local", kTypeA, Transport::kTcp);
  EXPECT_FALSE(tcp.header.tc);
  EXPECT_EQ(tcp.answers.size(), 100u);
  Message srv = Ask("_http._tcp.big.other.svc.cluster.local", kTypeSRV, Transport::kTcp);
  EXPECT_EQ(srv.answers.size(), 100u);
  EXPECT_EQ(srv.additional.size(), 100u);
  // Small EDNS sizes are raised to 512.
  Message tiny = Ask("big.other.svc.cluster.local", kTypeA, Transport::kUdp, 100);
  EXPECT_TRUE(tiny.header.tc);
  EXPECT_EQ(tiny.answers.size(), udp.answers.size() - 1);  // the OPT record takes 11 bytes
}

TEST_F(ResolverTest, ErrorsAndDrops) {
  // Too short or a response: dropped.
  EXPECT_EQ(resolver_.Handle("abc", Transport::kUdp).action, Resolution::Action::kDrop);
  std::string response = Query("web.default.svc.cluster.local", kTypeA);
  response[2] = static_cast<char>(response[2] | 0x80);
  EXPECT_EQ(resolver_.Handle(response, Transport::kUdp).action, Resolution::Action::kDrop);
  // Undecodable: FORMERR with the query's ID.
  std::string bad = Query("web.default.svc.cluster.local", kTypeA, 0x7777) + "junk";
  Resolution r = resolver_.Handle(bad, Transport::kUdp);
  ASSERT_EQ(r.action, Resolution::Action::kReply);
  auto m = Decode(r.reply);
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(m->header.id, 0x7777);
  EXPECT_EQ(m->header.rcode, kRcodeFormErr);
  // Two questions: FORMERR; an UPDATE opcode: NOTIMP; class CH: REFUSED.
  Message two;
  two.questions = {{"a.cluster.local", kTypeA, kClassIN}, {"b.cluster.local", kTypeA, kClassIN}};
  m = Decode(resolver_.Handle(Encode(two), Transport::kUdp).reply);
  EXPECT_EQ(m->header.rcode, kRcodeFormErr);
  Message update;
  update.header.opcode = 5;
  update.questions = {{"cluster.local", kTypeSOA, kClassIN}};
  m = Decode(resolver_.Handle(Encode(update), Transport::kUdp).reply);
  EXPECT_EQ(m->header.rcode, kRcodeNotImp);
  Message chaos;
  chaos.questions = {{"version.bind", kTypeTXT, kClassCH}};
  m = Decode(resolver_.Handle(Encode(chaos), Transport::kUdp).reply);
  EXPECT_EQ(m->header.rcode, kRcodeRefused);
  // Zone transfers are refused.
  EXPECT_EQ(Ask("cluster.local", kTypeAXFR, Transport::kTcp).header.rcode, kRcodeRefused);
  // EDNS version 1: BADVERS (extended rcode 16 = upper bits 1 in the OPT TTL).
  Message v1;
  v1.questions = {{"web.default.svc.cluster.local", kTypeA, kClassIN}};
  Record opt = MakeOpt(1232);
  opt.ttl = 1u << 16;
  v1.additional.push_back(opt);
  m = Decode(resolver_.Handle(Encode(v1), Transport::kUdp).reply);
  ASSERT_TRUE(m.ok());
  ASSERT_EQ(m->additional.size(), 1u);
  EXPECT_EQ(m->additional[0].ttl >> 24, 1u);
  EXPECT_EQ(m->header.rcode, 0);
}

TEST_F(ResolverTest, OutsideNames) {
  // Without upstreams: REFUSED.
  Message m = Ask("example.com", kTypeA);
  EXPECT_EQ(m.header.rcode, kRcodeRefused);
  EXPECT_FALSE(m.header.aa);
  // With upstreams: forward (also unknown reverse names), and RA set on local answers.
  Resolver fwd(&zone_, ResolverOptions{5, true});
  EXPECT_EQ(fwd.Handle(Query("example.com", kTypeA), Transport::kUdp).action,
            Resolution::Action::kForward);
  EXPECT_EQ(fwd.Handle(Query("9.9.9.10.in-addr.arpa", kTypePTR), Transport::kUdp).action,
            Resolution::Action::kForward);
  m = Ask("web.default.svc.cluster.local", kTypeA, Transport::kUdp, 0, &fwd);
  EXPECT_TRUE(m.header.ra);
  // ErrorReply echoes the question.
  auto err = Decode(Resolver::ErrorReply(Query("example.com", kTypeA, 9), kRcodeServFail));
  ASSERT_TRUE(err.ok());
  EXPECT_EQ(err->header.id, 9);
  EXPECT_EQ(err->header.rcode, kRcodeServFail);
  EXPECT_EQ(err->questions.size(), 1u);
}

}  // namespace
}  // namespace berth::dns
