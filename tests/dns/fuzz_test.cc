// Deterministic fuzzing of decoder + resolver: random packets and mutations of valid ones.
// Properties: nothing crashes or hangs; every reply the resolver produces decodes and fits the
// transport; whatever decodes re-encodes to a stable form (encode . decode is idempotent).
#include <gtest/gtest.h>

#include <random>

#include "dns/resolver.h"
#include "dns_test_util.h"
#include "zone_fixture.h"

namespace berth::dns {
namespace {

std::vector<std::string> Seeds() {
  using testing::Query;
  std::vector<std::string> seeds = {
      Query("web.default.svc.cluster.local", kTypeA),
      Query("_pg._tcp.db.default.svc.cluster.local", kTypeSRV, 1, 1232),
      Query("big.other.svc.cluster.local", kTypeA, 2, 4096),
      Query("10.0.96.10.in-addr.arpa", kTypePTR),
      Query("ext.default.svc.cluster.local", kTypeCNAME),
      Query("10-1-2-3.x.pod.cluster.local", kTypeAAAA),
      Query("cluster.local", kTypeSOA),
      Query("example.com", kTypeANY),
  };
  // Responses, with compressed names in every section.
  Zone zone;
  testing::FillZone(&zone);
  Resolver r(&zone, ResolverOptions{});
  std::vector<std::string> replies;
  for (const std::string& q : seeds) replies.push_back(r.Handle(q, Transport::kTcp).reply);
  seeds.insert(seeds.end(), replies.begin(), replies.end());
  return seeds;
}

std::string Mutate(std::string p, std::mt19937& rng, const std::vector<std::string>& seeds) {
  auto pick = [&](size_t n) { return n == 0 ? 0 : static_cast<size_t>(rng() % n); };
  int ops = 1 + static_cast<int>(rng() % 4);
  for (int i = 0; i < ops; ++i) {
    switch (rng() % 8) {
      case 0:  // flip a byte
        if (!p.empty()) p[pick(p.size())] = static_cast<char>(rng());
        break;
      case 1:  // flip a bit
        if (!p.empty()) p[pick(p.size())] ^= static_cast<char>(1 << (rng() % 8));
        break;
      case 2:  // truncate
        p.resize(pick(p.size() + 1));
        break;
      case 3:  // insert random bytes
        p.insert(pick(p.size() + 1), std::string(1 + rng() % 8, static_cast<char>(rng())));
        break;
      case 4:  // compression pointer somewhere
        if (p.size() > 2) {
          size_t at = pick(p.size() - 1);
          p[at] = static_cast<char>(0xC0 | (rng() % 4));
          p[at + 1] = static_cast<char>(rng());
        }
        break;
      case 5:  // mess with a section count
        if (p.size() >= 12) p[4 + 2 * pick(4) + rng() % 2] = static_cast<char>(rng() % 4 ? rng() % 4 : rng());
        break;
      case 6: {  // splice with another seed
        const std::string& o = seeds[pick(seeds.size())];
        size_t cut = pick(o.size() + 1);
        p = p.substr(0, pick(p.size() + 1)) + o.substr(cut);
        break;
      }
      case 7:  // clear QR so responses are handled as queries
        if (p.size() > 2) p[2] = static_cast<char>(p[2] & 0x7f);
        break;
    }
  }
  return p;
}

TEST(DnsFuzzTest, DecoderAndResolverSurviveGarbage) {
  Zone zone;
  testing::FillZone(&zone);
  Resolver plain(&zone, ResolverOptions{});
  Resolver fwd(&zone, ResolverOptions{5, true});
  std::vector<std::string> seeds = Seeds();
  std::mt19937 rng(20240611);
  const int kIterations = 300000;
  int decoded = 0, replies = 0;
  for (int i = 0; i < kIterations; ++i) {
    std::string p;
    if (i % 5 == 0) {
      p.resize(rng() % 600);
      for (char& c : p) c = static_cast<char>(rng());
    } else {
      p = Mutate(seeds[rng() % seeds.size()], rng, seeds);
    }
    auto m = Decode(p);
    if (m.ok()) {
      ++decoded;
      std::string once = Encode(*m);
      auto again = Decode(once);
      ASSERT_TRUE(again.ok()) << "iteration " << i << ": " << again.status().ToString();
      ASSERT_EQ(Encode(*again), once) << "iteration " << i;
    }
    for (const Resolver* r : {&plain, &fwd}) {
      for (Transport t : {Transport::kUdp, Transport::kTcp}) {
        Resolution res = r->Handle(p, t);
        if (res.action != Resolution::Action::kReply) continue;
        ++replies;
        auto reply = Decode(res.reply);
        ASSERT_TRUE(reply.ok()) << "iteration " << i << ": " << reply.status().ToString();
        if (t == Transport::kUdp) {
          ASSERT_LE(res.reply.size(), kEdnsUdpSize) << "iteration " << i;
        }
        ASSERT_EQ(res.reply.substr(0, 2), p.substr(0, 2));  // same ID
      }
    }
  }
  // The mutations must exercise the decoder's success paths, not only its rejections.
  EXPECT_GT(decoded, kIterations / 20);
  EXPECT_GT(replies, kIterations);
  std::printf("fuzz: %d packets, %d decoded, %d replies\n", kIterations, decoded, replies);
}

}  // namespace
}  // namespace berth::dns
