#include "agent/exec_protocol.h"

#include <gtest/gtest.h>

namespace berth::agent {
namespace {

TEST(ExecProtocol, ChoosesTheClientsFirstSupportedProtocol) {
  auto name = [](const std::string& header) {
    auto p = ChooseExecProtocol(header);
    return p ? ExecProtocolName(*p) : std::string("none");
  };
  EXPECT_EQ(name("v5.channel.k8s.io, v4.channel.k8s.io"), "v5.channel.k8s.io");
  EXPECT_EQ(name("v4.channel.k8s.io,v5.channel.k8s.io"), "v4.channel.k8s.io");
  EXPECT_EQ(name("channel.k8s.io"), "channel.k8s.io");
  EXPECT_EQ(name("v9.channel.k8s.io, base64.channel.k8s.io"), "base64.channel.k8s.io");
  EXPECT_EQ(name("v9.channel.k8s.io"), "none");
  EXPECT_EQ(name(""), "none");
  EXPECT_EQ(ExecProtocolName(ExecProtocol::kV1), "channel.k8s.io");
}

TEST(ExecProtocol, BinaryAndBase64Framing) {
  EXPECT_EQ(EncodeChannelMessage(ExecProtocol::kV1, 1, "hi"), std::string("\x01hi"));
  EXPECT_FALSE(UsesTextFrames(ExecProtocol::kV5));
  EXPECT_TRUE(UsesTextFrames(ExecProtocol::kBase64V1));
  EXPECT_EQ(EncodeChannelMessage(ExecProtocol::kBase64V1, 1, "hello\n"), "1aGVsbG8K");
  EXPECT_EQ(EncodeChannelMessage(ExecProtocol::kBase64V1, 2, "ab"), "2YWI=");
  EXPECT_EQ(EncodeChannelMessage(ExecProtocol::kBase64V1, 3, "a"), "3YQ==");
  auto m = DecodeChannelMessage(ExecProtocol::kBase64V1, "0aGVsbG8K");
  ASSERT_TRUE(m);
  EXPECT_EQ(m->channel, 0);
  EXPECT_EQ(m->data, "hello\n");
  m = DecodeChannelMessage(ExecProtocol::kV4, std::string("\x04{}", 3));
  ASSERT_TRUE(m);
  EXPECT_EQ(m->channel, 4);
  EXPECT_EQ(m->data, "{}");
  EXPECT_FALSE(DecodeChannelMessage(ExecProtocol::kV4, ""));
  EXPECT_FALSE(DecodeChannelMessage(ExecProtocol::kBase64V1, "xabc"));
}

}  // namespace
}  // namespace berth::agent
