// Host-port admission: which host ports a pod holds and when two sets collide.
#include "agent/port_admission.h"

#include <gtest/gtest.h>

namespace berth::agent {
namespace {

json::object PodWithPorts(const char* ports_json) {
  return json::parse(std::string(R"({"spec":{"containers":[{"name":"c","ports":)") + ports_json +
                     "}]}}")
      .as_object();
}

TEST(PortAdmissionTest, CollectsOnlyHostPortsWithDefaults) {
  auto ports = HostPortsOf(PodWithPorts(
      R"([{"containerPort":80},{"containerPort":81,"hostPort":8081},
          {"containerPort":53,"hostPort":53,"protocol":"UDP","hostIP":"10.0.0.1"}])"));
  ASSERT_EQ(ports.size(), 2u);
  EXPECT_EQ(ports[0].port, 8081);
  EXPECT_EQ(ports[0].protocol, "TCP");
  EXPECT_EQ(ports[0].ip, "");
  EXPECT_EQ(ports[1].protocol, "UDP");
  EXPECT_EQ(ports[1].ip, "10.0.0.1");
  EXPECT_TRUE(HostPortsOf(json::object{}).empty());
}

TEST(PortAdmissionTest, ConflictNeedsPortProtocolAndOverlappingAddress) {
  std::vector<HostPortUse> any_tcp{{"", "TCP", 21017}};
  EXPECT_TRUE(HostPortsConflict(any_tcp, {{"", "TCP", 21017}}));
  EXPECT_TRUE(HostPortsConflict(any_tcp, {{"10.0.0.1", "TCP", 21017}}));       // wildcard
  EXPECT_TRUE(HostPortsConflict({{"0.0.0.0", "TCP", 1}}, {{"127.0.0.1", "TCP", 1}}));
  EXPECT_FALSE(HostPortsConflict(any_tcp, {{"", "UDP", 21017}}));              // protocol
  EXPECT_FALSE(HostPortsConflict(any_tcp, {{"", "TCP", 21018}}));              // port
  EXPECT_FALSE(HostPortsConflict({{"127.0.0.1", "TCP", 1}}, {{"10.0.0.1", "TCP", 1}}));
  EXPECT_FALSE(HostPortsConflict({}, any_tcp));
}

}  // namespace
}  // namespace berth::agent
