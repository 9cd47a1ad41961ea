// Unit tests of the allocation pieces: ranges, AllocationPool's
// pending/committed bookkeeping, and ServiceAllocator on small ranges (no server).
#include "apiserver/services/service_allocator.h"

#include <gtest/gtest.h>

#include <set>

#include "common/json.h"

namespace berth::apiserver::services {
namespace {

TEST(Ipv4Range, ParsesAndMapsOffsets) {
  auto r = Ipv4Range::Parse("10.96.3.7/16");  // host bits are cleared
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->ToString(), "10.96.0.0/16");
  EXPECT_EQ(r->size(), 65534u);
  EXPECT_EQ(r->At(1), "10.96.0.1");
  EXPECT_EQ(r->At(10), "10.96.0.10");
  EXPECT_EQ(r->Offset("10.96.1.0"), 256u);
  EXPECT_EQ(r->Offset("10.96.0.0"), std::nullopt);     // network
  EXPECT_EQ(r->Offset("10.96.255.255"), std::nullopt); // broadcast
  EXPECT_EQ(r->Offset("10.97.0.1"), std::nullopt);
  EXPECT_EQ(r->Offset("10.95.255.254"), std::nullopt);
  EXPECT_EQ(r->Offset("fd00::1"), std::nullopt);
  for (const char* bad : {"10.96.0.0", "10.96.0.0/8", "10.96.0.0/31", "x/16", "10.96.0.0/1x"}) {
    EXPECT_FALSE(Ipv4Range::Parse(bad).ok()) << bad;
  }
}

TEST(PortRange, Parses) {
  auto p = PortRange::Parse("30000-32767");
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->size(), 2768u);
  EXPECT_TRUE(p->Contains(30000));
  EXPECT_TRUE(p->Contains(32767));
  EXPECT_FALSE(p->Contains(32768));
  EXPECT_EQ(p->At(p->Offset(31234)), 31234);
  EXPECT_EQ(p->ToString(), "30000-32767");
  for (const char* bad : {"", "0-10", "5-4", "1-70000", "a-b", "30000-"}) {
    EXPECT_FALSE(PortRange::Parse(bad).ok()) << bad;
  }
}

TEST(AllocationPool, PendingAndCommittedHoldsAreCountedApart) {
  AllocationPool pool(8);
  std::mt19937_64 rng(1);
  EXPECT_TRUE(pool.Reserve(3, "a"));
  EXPECT_FALSE(pool.Reserve(3, "b"));
  pool.Abort(3, "a");
  EXPECT_EQ(pool.OwnerOf(3), "");
  // Two writes of one object reserve the same item; the first commits, the
  // second fails: the item stays held.
  EXPECT_TRUE(pool.Reserve(4, "a"));
  EXPECT_TRUE(pool.Reserve(4, "a"));
  pool.Commit(4, "a");
  pool.Abort(4, "a");
  EXPECT_EQ(pool.OwnerOf(4), "a");
  // Releasing an owner frees committed items, but not one still pending.
  EXPECT_TRUE(pool.Reserve(5, "a"));
  pool.ReleaseOwner("a");
  EXPECT_EQ(pool.OwnerOf(4), "");
  EXPECT_EQ(pool.OwnerOf(5), "a");
  pool.Abort(5, "a");
  EXPECT_EQ(pool.used(), 0u);
  // ReserveNext fills the range and then reports it full; skipped items stay free.
  std::set<uint64_t> got;
  while (auto i = pool.ReserveNext("c", 0, 8, {2}, rng)) got.insert(*i);
  EXPECT_EQ(got.size(), 7u);
  EXPECT_FALSE(got.count(2));
  EXPECT_TRUE(pool.Restore(2, "d"));
  EXPECT_FALSE(pool.Restore(2, "e"));
}

json::object Svc(const std::string& uid, const std::string& name, const std::string& type,
                 const std::string& ip = "") {
  json::object spec{{"type", type},
                    {"ports", json::array{json::object{{"name", "a"}, {"port", 80}}}}};
  if (!ip.empty()) spec["clusterIP"] = ip;
  return json::object{
      {"metadata", json::object{{"name", name}, {"namespace", "ns"}, {"uid", uid}}},
      {"spec", std::move(spec)}};
}

TEST(ServiceAllocator, DynamicIPsPreferTheUpperBandSkipReservedAndRunOut) {
  auto cidr = Ipv4Range::Parse("10.0.0.0/27");  // 30 addresses, static band 16
  auto ports = PortRange::Parse("30000-30001");
  ServiceAllocator a(*cidr, *ports, {{1, "default/kubernetes"}, {10, "kube-system/kube-dns"}}, 7);
  std::vector<std::unique_ptr<WriteReservation>> held;
  std::vector<uint64_t> order;
  for (int i = 0; i < 28; ++i) {
    json::object s = Svc("u" + std::to_string(i), "s" + std::to_string(i), "ClusterIP");
    auto r = a.BeginWrite(s, nullptr);
    ASSERT_TRUE(r.ok()) << i << ": " << r.status().message();
    (*r)->Commit();
    held.push_back(std::move(*r));
    order.push_back(*cidr->Offset(GetString(s, {"spec", "clusterIP"})));
  }
  // The first 14 come from 17..30, then the static band, never 1 or 10.
  for (int i = 0; i < 14; ++i) EXPECT_GT(order[i], 16u) << i;
  std::set<uint64_t> all(order.begin(), order.end());
  EXPECT_EQ(all.size(), 28u);
  EXPECT_FALSE(all.count(1));
  EXPECT_FALSE(all.count(10));
  json::object more = Svc("u99", "s99", "ClusterIP");
  auto full = a.BeginWrite(more, nullptr);
  ASSERT_FALSE(full.ok());
  EXPECT_EQ(full.status().reason(), Reason::kInternalError);
  // The reserved address is still there for its own service.
  json::object dns = Svc("dns", "kube-dns", "ClusterIP", "10.0.0.10");
  dns["metadata"].as_object()["namespace"] = "kube-system";
  EXPECT_TRUE(a.BeginWrite(dns, nullptr).ok());
}

TEST(ServiceAllocator, UncommittedReservationsAreGivenBack) {
  auto cidr = Ipv4Range::Parse("10.0.0.0/24");
  auto ports = PortRange::Parse("30000-30100");
  ServiceAllocator a(*cidr, *ports, {}, 7);
  {
    json::object s = Svc("u1", "s1", "NodePort", "10.0.0.77");
    auto r = a.BeginWrite(s, nullptr);
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(a.UsedIps(), 1u);
    EXPECT_EQ(a.UsedNodePorts(), 1u);
  }
  EXPECT_EQ(a.UsedIps(), 0u);
  EXPECT_EQ(a.UsedNodePorts(), 0u);
  // A refused write (second port taken) gives back its first port too.
  json::object holder = Svc("u2", "holder", "NodePort");
  holder["spec"].as_object()["ports"].as_array()[0].as_object()["nodePort"] = 30050;
  auto h = a.BeginWrite(holder, nullptr);
  ASSERT_TRUE(h.ok());
  (*h)->Commit();
  json::object two = Svc("u3", "two", "NodePort");
  json::array& p = two["spec"].as_object()["ports"].as_array();
  p[0].as_object()["nodePort"] = 30049;
  p.push_back(json::object{{"name", "b"}, {"port", 81}, {"nodePort", 30050}});
  auto r = a.BeginWrite(two, nullptr);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().reason(), Reason::kInvalid);
  EXPECT_EQ(a.UsedIps(), 1u);        // the holder's
  EXPECT_EQ(a.UsedNodePorts(), 1u);  // 30050 only
  // Delete releases by uid; a stale uid releases nothing.
  a.AfterDelete(Svc("other-uid", "holder", "NodePort"));
  EXPECT_EQ(a.UsedNodePorts(), 1u);
  a.AfterDelete(holder);
  EXPECT_EQ(a.UsedNodePorts(), 0u);
  EXPECT_EQ(a.UsedIps(), 0u);
}

}  // namespace
}  // namespace berth::apiserver::services
