// Zone: which names exist and what records they hold (no sockets, no wire format).
#include "dns/zone.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "dns/name.h"
#include "zone_fixture.h"

namespace berth::dns {
namespace {

using testing::Ip;

class ZoneTest : public ::testing::Test {
 protected:
  void SetUp() override { testing::FillZone(&zone_); }
  ZoneLookup L(const std::string& name) {
    std::vector<std::string> labels;
    EXPECT_TRUE(SplitName(LowerAscii(name), &labels)) << name;
    return zone_.Lookup(labels);
  }
  Zone zone_{"cluster.local"};
};

std::vector<uint32_t> Sorted(std::vector<uint32_t> v) {
  std::sort(v.begin(), v.end());
  return v;
}

TEST_F(ZoneTest, ClusterIPService) {
  ZoneLookup r = L("web.default.svc.cluster.local");
  ASSERT_EQ(r.kind, ZoneLookup::Kind::kFound);
  EXPECT_EQ(r.a, std::vector<uint32_t>{Ip("10.96.0.10")});
  ASSERT_EQ(r.srv.size(), 2u);  // every port
  r = L("_http._tcp.web.default.svc.cluster.local");
  ASSERT_EQ(r.srv.size(), 1u);
  EXPECT_EQ(r.srv[0].srv.port, 80);  // the service port
  EXPECT_EQ(r.srv[0].srv.target, "web.default.svc.cluster.local");
  EXPECT_EQ(r.srv[0].glue, std::vector<uint32_t>{Ip("10.96.0.10")});
  EXPECT_EQ(L("_dns._udp.web.default.svc.cluster.local").srv.size(), 1u);
  EXPECT_EQ(L("_dns._tcp.web.default.svc.cluster.local").kind, ZoneLookup::Kind::kNxDomain);
  EXPECT_EQ(L("_tcp.web.default.svc.cluster.local").kind, ZoneLookup::Kind::kFound);
  EXPECT_EQ(L("_sctp.web.default.svc.cluster.local").kind, ZoneLookup::Kind::kNxDomain);
  // Endpoint names exist for ClusterIP services too (dashed IP), ready ones only.
  EXPECT_EQ(L("10-244-1-5.web.default.svc.cluster.local").a, std::vector<uint32_t>{Ip("10.244.1.5")});
  EXPECT_EQ(L("10-244-1-6.web.default.svc.cluster.local").kind, ZoneLookup::Kind::kNxDomain);
}

TEST_F(ZoneTest, HeadlessService) {
  ZoneLookup r = L("db.default.svc.cluster.local");
  ASSERT_EQ(r.kind, ZoneLookup::Kind::kFound);
  EXPECT_EQ(Sorted(r.a), (std::vector<uint32_t>{Ip("10.244.2.1"), Ip("10.244.2.2"), Ip("10.244.2.3")}));
  EXPECT_EQ(L("db-0.db.default.svc.cluster.local").a, std::vector<uint32_t>{Ip("10.244.2.1")});
  EXPECT_EQ(L("DB-1.db.Default.svc.cluster.local").a, std::vector<uint32_t>{Ip("10.244.2.2")});
  EXPECT_EQ(L("10-244-2-3.db.default.svc.cluster.local").a, std::vector<uint32_t>{Ip("10.244.2.3")});
  EXPECT_EQ(L("db-3.db.default.svc.cluster.local").kind, ZoneLookup::Kind::kNxDomain);  // unready
  r = L("_pg._tcp.db.default.svc.cluster.local");
  ASSERT_EQ(r.srv.size(), 3u);
  std::vector<std::string> targets;
  for (const auto& s : r.srv) {
    EXPECT_EQ(s.srv.port, 5432);
    EXPECT_EQ(s.srv.weight, 33);
    ASSERT_EQ(s.glue.size(), 1u);
    targets.push_back(s.srv.target);
  }
  std::sort(targets.begin(), targets.end());
  EXPECT_EQ(targets, (std::vector<std::string>{"10-244-2-3.db.default.svc.cluster.local",
                                               "db-0.db.default.svc.cluster.local",
                                               "db-1.db.default.svc.cluster.local"}));
  // publishNotReadyAddresses lists unready endpoints.
  EXPECT_EQ(L("pending.default.svc.cluster.local").a, std::vector<uint32_t>{Ip("10.244.3.1")});
  EXPECT_EQ(L("big.other.svc.cluster.local").a.size(), 100u);
}

TEST_F(ZoneTest, ExternalNameAndPods) {
  EXPECT_EQ(L("ext.default.svc.cluster.local").cname, "example.com");
  ZoneLookup pod = L("10-244-9-9.anything.pod.cluster.local");
  EXPECT_EQ(pod.a, std::vector<uint32_t>{Ip("10.244.9.9")});
  EXPECT_EQ(L("10-244-9-999.default.pod.cluster.local").kind, ZoneLookup::Kind::kNxDomain);
  EXPECT_EQ(L("x.10-244-9-9.default.pod.cluster.local").kind, ZoneLookup::Kind::kNxDomain);
  EXPECT_EQ(L("default.pod.cluster.local").kind, ZoneLookup::Kind::kFound);
}

TEST_F(ZoneTest, ExistenceOfIntermediateNames) {
  EXPECT_TRUE(L("cluster.local").apex);
  EXPECT_EQ(L("svc.cluster.local").kind, ZoneLookup::Kind::kFound);
  EXPECT_EQ(L("default.svc.cluster.local").kind, ZoneLookup::Kind::kFound);
  EXPECT_EQ(L("nope.svc.cluster.local").kind, ZoneLookup::Kind::kNxDomain);
  EXPECT_EQ(L("nope.default.svc.cluster.local").kind, ZoneLookup::Kind::kNxDomain);
  EXPECT_EQ(L("foo.cluster.local").kind, ZoneLookup::Kind::kNxDomain);
  EXPECT_EQ(L("a.b.c.d.web.default.svc.cluster.local").kind, ZoneLookup::Kind::kNxDomain);
  EXPECT_EQ(L("example.com").kind, ZoneLookup::Kind::kOutside);
  EXPECT_EQ(L("local").kind, ZoneLookup::Kind::kOutside);
}

TEST_F(ZoneTest, ReverseRecords) {
  ZoneLookup r = L(ReverseName(Ip("10.96.0.10")));
  ASSERT_EQ(r.kind, ZoneLookup::Kind::kFound);
  EXPECT_EQ(r.ptr, std::vector<std::string>{"web.default.svc.cluster.local"});
  EXPECT_EQ(L(ReverseName(Ip("10.244.2.1"))).ptr,
            std::vector<std::string>{"db-0.db.default.svc.cluster.local"});
  EXPECT_EQ(L(ReverseName(Ip("10.244.1.5"))).ptr,
            std::vector<std::string>{"10-244-1-5.web.default.svc.cluster.local"});
  EXPECT_EQ(L(ReverseName(Ip("10.1.2.3"))).kind, ZoneLookup::Kind::kReverseMiss);
  EXPECT_EQ(L("3.2.1.in-addr.arpa").kind, ZoneLookup::Kind::kOutside);
}

TEST_F(ZoneTest, UpdatesAndDeletes) {
  // A slice that arrives before its service is used once the service appears.
  zone_.UpsertSlice(SliceInfo{"late", "late-1", "late", {{{Ip("10.244.7.1")}, true, "h"}}, {}});
  EXPECT_EQ(L("late.late.svc.cluster.local").kind, ZoneLookup::Kind::kNxDomain);
  EXPECT_EQ(L("late.svc.cluster.local").kind, ZoneLookup::Kind::kNxDomain);
  zone_.UpsertService(ServiceInfo{"late", "late", ServiceInfo::Kind::kHeadless, {}, "", {}, false});
  EXPECT_EQ(L("h.late.late.svc.cluster.local").a, std::vector<uint32_t>{Ip("10.244.7.1")});
  EXPECT_EQ(L("late.svc.cluster.local").kind, ZoneLookup::Kind::kFound);

  // Endpoint becomes unready: gone from A, SRV and PTR.
  zone_.UpsertSlice(SliceInfo{"default", "db-1", "db", {{{Ip("10.244.2.1")}, false, "db-0"}},
                              {{"pg", "tcp", 5432}}});
  EXPECT_TRUE(L("db.default.svc.cluster.local").a.empty());
  EXPECT_EQ(L("db.default.svc.cluster.local").kind, ZoneLookup::Kind::kFound);
  EXPECT_EQ(L(ReverseName(Ip("10.244.2.1"))).kind, ZoneLookup::Kind::kReverseMiss);
  EXPECT_EQ(L("_pg._tcp.db.default.svc.cluster.local").kind, ZoneLookup::Kind::kNxDomain);

  // Deleting a slice and a service.
  zone_.RemoveSlice("default", "web-abc");
  EXPECT_EQ(L("10-244-1-5.web.default.svc.cluster.local").kind, ZoneLookup::Kind::kNxDomain);
  EXPECT_EQ(L("web.default.svc.cluster.local").a, std::vector<uint32_t>{Ip("10.96.0.10")});
  zone_.RemoveService("default", "web");
  EXPECT_EQ(L("web.default.svc.cluster.local").kind, ZoneLookup::Kind::kNxDomain);
  EXPECT_EQ(L(ReverseName(Ip("10.96.0.10"))).kind, ZoneLookup::Kind::kReverseMiss);
  EXPECT_EQ(zone_.ServiceCount(), 5u);

  // A slice moving to another service (label change) leaves the old one.
  zone_.UpsertSlice(SliceInfo{"default", "pending-1", "db", {{{Ip("10.244.3.1")}, true, ""}}, {}});
  EXPECT_TRUE(L("pending.default.svc.cluster.local").a.empty());
  EXPECT_EQ(L("db.default.svc.cluster.local").a, std::vector<uint32_t>{Ip("10.244.3.1")});

  // Last service of a namespace gone: the namespace name is gone too.
  zone_.RemoveService("other", "big");
  EXPECT_EQ(L("other.svc.cluster.local").kind, ZoneLookup::Kind::kNxDomain);
}

TEST(ZoneDomainTest, OtherDomain) {
  Zone zone("Corp.Example.");
  zone.UpsertService(ServiceInfo{"ns", "a", ServiceInfo::Kind::kClusterIP, {Ip("10.0.0.1")}, "", {}, false});
  std::vector<std::string> labels;
  SplitName("a.ns.svc.corp.example", &labels);
  EXPECT_EQ(zone.Lookup(labels).a, std::vector<uint32_t>{Ip("10.0.0.1")});
  SplitName("a.ns.svc.cluster.local", &labels);
  EXPECT_EQ(zone.Lookup(labels).kind, ZoneLookup::Kind::kOutside);
}

}  // namespace
}  // namespace berth::dns
