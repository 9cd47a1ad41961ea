#include "apiserver/http/websocket.h"

#include <gtest/gtest.h>

namespace berth::apiserver::ws {
namespace {

TEST(WebSocket, AcceptKeyMatchesRfc6455Example) {
  EXPECT_EQ(AcceptKey("dGhlIHNhbXBsZSBub25jZQ=="), "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
}

TEST(WebSocket, ParsesMaskedFramesSplitAnywhere) {
  std::string big(70000, 'x');
  std::string wire = MaskedFrame(kBinary, std::string("\x01hello", 6)) + MaskedFrame(kBinary, big) +
                     MaskedFrame(kClose, "");
  Parser p;
  std::vector<Message> got;
  for (size_t i = 0; i < wire.size(); i += 777) {
    p.Feed(wire.data() + i, std::min<size_t>(777, wire.size() - i));
    while (auto m = p.Next()) got.push_back(*m);
  }
  ASSERT_EQ(got.size(), 3u);
  EXPECT_EQ(got[0].payload, std::string("\x01hello", 6));
  EXPECT_EQ(got[1].payload, big);
  EXPECT_EQ(got[2].op, kClose);
  EXPECT_FALSE(p.error());
}

TEST(WebSocket, ReassemblesFragmentsAndPassesControlFramesThrough) {
  // "ab" as two fragments with a ping in between.
  std::string first = MaskedFrame(kBinary, "a");
  first[0] = static_cast<char>(kBinary);  // clear FIN
  std::string second = MaskedFrame(kContinuation, "b");
  Parser p;
  std::string wire = first + MaskedFrame(kPing, "p") + second;
  p.Feed(wire.data(), wire.size());
  auto ping = p.Next();
  ASSERT_TRUE(ping);
  EXPECT_EQ(ping->op, kPing);
  auto data = p.Next();
  ASSERT_TRUE(data);
  EXPECT_EQ(data->op, kBinary);
  EXPECT_EQ(data->payload, "ab");
}

TEST(WebSocket, RejectsHugeFramesAndServerFramesAreUnmasked) {
  Parser p;
  std::string huge("\x82\x7f\x00\x00\x00\x00\x10\x00\x00\x00", 10);  // 256 MiB
  p.Feed(huge.data(), huge.size());
  EXPECT_FALSE(p.Next());
  EXPECT_TRUE(p.error());
  std::string f = Frame(kBinary, "hi");
  EXPECT_EQ(f, std::string("\x82\x02hi", 4));
}

}  // namespace
}  // namespace berth::apiserver::ws
