// libFuzzer target for the DNS wire codec and resolver (built and run by scripts/fuzz-dns).
// Each input is one packet: it is decoded, re-encoded (must decode again to the same bytes),
// and resolved over UDP and TCP against a small fixed zone (every reply must decode and a UDP
// reply must fit 1232 bytes). Any crash, sanitizer report or failed check is a finding.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "../zone_fixture.h"
#include "dns/message.h"
#include "dns/resolver.h"

namespace {

using namespace berth::dns;  // NOLINT(google-build-using-namespace)

const Zone& FixtureZone() {
  static Zone* zone = [] {
    auto* z = new Zone("cluster.local");
    testing::FillZone(z);
    return z;
  }();
  return *zone;
}

void Check(bool ok) {
  if (!ok) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string packet(reinterpret_cast<const char*>(data), size);
  auto m = Decode(packet);
  if (m.ok()) {
    std::string once = Encode(*m);
    auto again = Decode(once);
    Check(again.ok());
    Check(Encode(*again) == once);
    std::string cut = Encode(*m, 512);
    Check(cut.size() <= 512 || cut.size() <= Encode(Message{m->header, m->questions, {}, {}, {}}).size() + 11);
    Check(Decode(cut).ok());
  }
  static const Resolver plain(&FixtureZone(), ResolverOptions{5, false});
  static const Resolver forwarding(&FixtureZone(), ResolverOptions{5, true});
  for (const Resolver* r : {&plain, &forwarding}) {
    for (Transport t : {Transport::kUdp, Transport::kTcp}) {
      Resolution res = r->Handle(packet, t);
      if (res.action != Resolution::Action::kReply) continue;
      Check(Decode(res.reply).ok());
      if (t == Transport::kUdp) Check(res.reply.size() <= kEdnsUdpSize);
    }
  }
  return 0;
}
