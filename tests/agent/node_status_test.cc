#include "agent/node_status.h"

#include <gtest/gtest.h>

#include "agent/agent.h"

namespace berth::agent {
namespace {

TEST(HostInfo, ReadsTheRealHost) {
  HostInfo h = ReadHostInfo("/tmp");
  EXPECT_GE(h.cpu_millis, 1000);
  EXPECT_GT(h.memory_bytes, 0);
  EXPECT_GT(h.ephemeral_storage_bytes, 0);
  EXPECT_FALSE(h.kernel_version.empty());
}

TEST(BuildNode, CarriesCapacityConditionsAndEndpoint) {
  HostInfo h;
  h.cpu_millis = 2000;
  h.memory_bytes = int64_t{4} << 30;
  h.memory_available_bytes = int64_t{2} << 30;
  h.ephemeral_storage_bytes = int64_t{100} << 30;
  h.ephemeral_available_bytes = int64_t{50} << 30;
  h.architecture = "amd64";
  NodeOptions o;
  o.pod_cidr = "10.88.0.0/16";
  o.stream_port = 10250;
  json::object n = BuildNode("n1", "127.0.0.1", h, o, "2026-11-28T10:00:00Z");
  EXPECT_EQ(GetString(n, {"status", "capacity", "cpu"}), "2");
  EXPECT_EQ(GetString(n, {"status", "capacity", "memory"}), "4194304Ki");
  EXPECT_EQ(GetString(n, {"status", "allocatable", "memory"}), "4091904Ki");
  EXPECT_EQ(GetString(n, {"status", "capacity", "pods"}), "110");
  EXPECT_EQ(GetString(n, {"spec", "podCIDR"}), "10.88.0.0/16");
  EXPECT_EQ(GetInt(n, {"status", "daemonEndpoints", "kubeletEndpoint", "Port"}), 10250);
  EXPECT_EQ(GetString(n, {"metadata", "labels", "kubernetes.io/hostname"}), "n1");
  const auto& conds = GetPath(n, {"status", "conditions"})->as_array();
  ASSERT_EQ(conds.size(), 4u);
  EXPECT_EQ(GetString(conds[3].as_object(), {"type"}), "Ready");
  EXPECT_EQ(GetString(conds[3].as_object(), {"status"}), "True");
  EXPECT_EQ(GetString(conds[0].as_object(), {"status"}), "False");  // no memory pressure
}

TEST(ClusterDns, TenthAddressOfTheServiceCidr) {
  EXPECT_EQ(ClusterDnsAddress("10.96.0.0/16"), "10.96.0.10");
  EXPECT_EQ(ClusterDnsAddress("garbage"), "");
}

}  // namespace
}  // namespace berth::agent
