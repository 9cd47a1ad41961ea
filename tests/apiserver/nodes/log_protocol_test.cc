#include <gtest/gtest.h>

#include "apiserver/nodes/node_proxy.h"

namespace berth::apiserver::nodes {
namespace {

TEST(LogProtocol, BinaryOrNone) {
  auto choose = [](const std::string& h) { return ChooseLogProtocol(h).value_or("refused"); };
  EXPECT_EQ(choose(""), "");
  EXPECT_EQ(choose("binary.k8s.io"), "binary.k8s.io");
  EXPECT_EQ(choose("base64.binary.k8s.io, binary.k8s.io"), "binary.k8s.io");
  EXPECT_EQ(choose("base64.binary.k8s.io"), "refused");
  EXPECT_EQ(choose("v4.channel.k8s.io"), "refused");
}

}  // namespace
}  // namespace berth::apiserver::nodes
