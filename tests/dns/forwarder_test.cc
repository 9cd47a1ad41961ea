// Forwarder and DnsServer forwarding paths against fake upstreams on loopback.
#include "dns/forwarder.h"

#include <gtest/gtest.h>

#include "dns/server.h"
#include "dns_test_util.h"

namespace berth::dns {
namespace {

using testing::FakeUpstream;
using testing::Query;

// A loopback port with nothing behind it (bound, then closed).
uint16_t DeadPort() {
  int fd = ::socket(AF_INET, SOCK_DGRAM, 0);
  sockaddr_in a = testing::Loopback(0);
  ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof(a));
  socklen_t len = sizeof(a);
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
  ::close(fd);
  return ntohs(a.sin_port);
}

TEST(ForwarderTest, ParsesAddresses) {
  EXPECT_TRUE(ParseHostPort("127.0.0.1:53").ok());
  EXPECT_FALSE(ParseHostPort("127.0.0.1").ok());
  EXPECT_FALSE(ParseHostPort("localhost:53").ok());
  EXPECT_FALSE(ParseHostPort("127.0.0.1:99999").ok());
  EXPECT_FALSE(ParseHostPort("127.0.0.1:5x").ok());
}

TEST(ForwarderTest, RestoresIdAndSkipsDeadUpstreams) {
  FakeUpstream up(0x01020304);
  Forwarder f({testing::Loopback(DeadPort()), testing::Loopback(up.port())},
              std::chrono::milliseconds(500));
  for (int i = 0; i < 4; ++i) {  // the rotation starts at each upstream in turn
    auto reply = f.Forward(Query("example.com", kTypeA, static_cast<uint16_t>(100 + i)));
    ASSERT_TRUE(reply.ok()) << reply.status().ToString();
    auto m = Decode(*reply);
    ASSERT_TRUE(m.ok());
    EXPECT_EQ(m->header.id, 100 + i);
    ASSERT_EQ(m->answers.size(), 1u);
    EXPECT_EQ(std::get<uint32_t>(m->answers[0].data), 0x01020304u);
  }
  Forwarder dead({testing::Loopback(DeadPort())}, std::chrono::milliseconds(300));
  EXPECT_FALSE(dead.Forward(Query("example.com", kTypeA)).ok());
  EXPECT_FALSE(dead.Forward("short").ok());
}

TEST(ForwarderTest, ServerAnswersServfailWhenUpstreamsFail) {
  Zone zone;
  Resolver resolver(&zone, ResolverOptions{5, true});
  Forwarder dead({testing::Loopback(DeadPort())}, std::chrono::milliseconds(300));
  DnsServer server(&resolver, &dead, testing::Loopback(0));
  ASSERT_TRUE(server.Start().ok());
  auto reply = testing::UdpExchange(server.port(), Query("example.com", kTypeA, 5));
  ASSERT_TRUE(reply.has_value());
  auto m = Decode(*reply);
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(m->header.id, 5);
  EXPECT_EQ(m->header.rcode, kRcodeServFail);
  auto tcp = testing::TcpExchange(server.port(), {Query("example.com", kTypeA, 6)});
  ASSERT_EQ(tcp.size(), 1u);
  EXPECT_EQ(Decode(tcp[0])->header.rcode, kRcodeServFail);
  server.Stop();
}

}  // namespace
}  // namespace berth::dns
