#include "runtime/oci_config.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>

#include "runtime/spec_codec.h"
#include "test_rootfs.h"

namespace berth::runtime {
namespace {

bool Has(const std::vector<std::string>& v, const std::string& s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

TEST(EffectiveCapabilitiesTest, DefaultAddDropAll) {
  Security sec;
  auto caps = EffectiveCapabilities(sec);
  EXPECT_EQ(caps.size(), DefaultCapabilities().size());
  EXPECT_FALSE(Has(caps, "CAP_NET_ADMIN"));

  sec.add_capabilities = {"NET_ADMIN"};
  sec.drop_capabilities = {"cap_chown"};
  caps = EffectiveCapabilities(sec);
  EXPECT_TRUE(Has(caps, "CAP_NET_ADMIN"));
  EXPECT_FALSE(Has(caps, "CAP_CHOWN"));

  sec.drop_capabilities = {"ALL"};
  EXPECT_EQ(EffectiveCapabilities(sec), std::vector<std::string>{"CAP_NET_ADMIN"});

  sec.privileged = true;
  EXPECT_EQ(EffectiveCapabilities(sec).size(), AllCapabilities().size());
}

class OciConfigTest : public ::testing::Test {
 protected:
  void SetUp() override {
    layer_ = "/tmp/" + testing::UniqueName("berth-test-layer");
    std::filesystem::create_directories(layer_);
    testing::BuildBusyboxLayer(layer_);
    spec_.id = "c1";
    spec_.rootfs_layers = {layer_};
    spec_.args = {"sh"};
    ctx_.rootfs = "/r";
    ctx_.cgroups_path = "/p/sb/c1";
    ctx_.ipc_ns_path = "/s/ns/ipc";
    ctx_.uts_ns_path = "/s/ns/uts";
    ctx_.hosts_file = "/s/hosts";
    ctx_.hostname = "web-0";
  }
  void TearDown() override { std::filesystem::remove_all(layer_); }

  json::object Render() {
    auto c = RenderOciConfig(spec_, ctx_);
    EXPECT_TRUE(c.ok()) << c.status().ToString();
    return c.ok() ? *c : json::object{};
  }

  std::string layer_;
  ContainerSpec spec_;
  OciContext ctx_;
};

TEST_F(OciConfigTest, DefaultsAndNamespaces) {
  json::object c = Render();
  EXPECT_EQ(GetInt(c, {"process", "user", "uid"}, -1), 0);
  EXPECT_EQ(GetString(c, {"process", "cwd"}), "/");
  EXPECT_EQ(GetString(c, {"linux", "cgroupsPath"}), "/p/sb/c1");
  EXPECT_EQ(GetString(c, {"linux", "seccomp", "defaultAction"}), "SCMP_ACT_ALLOW");
  EXPECT_NE(GetPath(c, {"linux", "maskedPaths"}), nullptr);
  std::string ns = ToJson(*GetPath(c, {"linux", "namespaces"}));
  EXPECT_NE(ns.find(R"({"type":"ipc","path":"/s/ns/ipc"})"), std::string::npos) << ns;
  EXPECT_EQ(ns.find("network"), std::string::npos) << ns;  // host network
  std::string mounts = ToJson(c.at("mounts"));
  EXPECT_NE(mounts.find(R"("destination":"/etc/hosts")"), std::string::npos);
  std::string env = ToJson(*GetPath(c, {"process", "env"}));
  EXPECT_NE(env.find("PATH="), std::string::npos);
}

TEST_F(OciConfigTest, PrivilegedHasNoSeccompAndAllDevices) {
  spec_.security.privileged = true;
  ctx_.netns_path = "/var/run/netns/x";
  json::object c = Render();
  EXPECT_EQ(GetPath(c, {"linux", "seccomp"}), nullptr);
  EXPECT_EQ(GetPath(c, {"linux", "maskedPaths"}), nullptr);
  EXPECT_TRUE(GetPath(c, {"linux", "resources", "devices"})->as_array()[0].at("allow").as_bool());
  std::string ns = ToJson(*GetPath(c, {"linux", "namespaces"}));
  EXPECT_NE(ns.find("/var/run/netns/x"), std::string::npos);
}

TEST_F(OciConfigTest, ImageUserNameAndGroupResolved) {
  spec_.image_user = "app:staff";
  json::object c = Render();
  EXPECT_EQ(GetInt(c, {"process", "user", "uid"}), 1000);
  EXPECT_EQ(GetInt(c, {"process", "user", "gid"}), 50);
  spec_.image_user = "1000";
  c = Render();
  EXPECT_EQ(GetInt(c, {"process", "user", "gid"}), 1000);
  spec_.image_user = "ghost";
  EXPECT_FALSE(RenderOciConfig(spec_, ctx_).ok());
}

TEST_F(OciConfigTest, ResourcesRendered) {
  spec_.resources.cpu_shares = 512;
  spec_.resources.cpu_quota_us = 50000;
  spec_.resources.memory_limit_bytes = 64 << 20;
  json::object c = Render();
  EXPECT_EQ(GetInt(c, {"linux", "resources", "cpu", "shares"}), 512);
  EXPECT_EQ(GetInt(c, {"linux", "resources", "cpu", "quota"}), 50000);
  EXPECT_EQ(GetInt(c, {"linux", "resources", "cpu", "period"}), 100000);
  EXPECT_EQ(GetInt(c, {"linux", "resources", "memory", "limit"}), 64 << 20);
  EXPECT_EQ(GetInt(c, {"linux", "resources", "memory", "swap"}), 64 << 20);
}

// Pod sysctls go to linux.sysctl (runc sets them inside the joined namespaces) and survive the
// spec's round trip through the bundle.
TEST_F(OciConfigTest, SysctlsRenderedAndKeptByTheCodec) {
  EXPECT_EQ(GetPath(Render(), {"linux", "sysctl"}), nullptr);
  spec_.security.sysctls = {{"kernel.shm_rmid_forced", "1"},
                            {"net.ipv4.ip_local_port_range", "1024 65000"}};
  json::object c = Render();
  EXPECT_EQ(GetString(c, {"linux", "sysctl", "kernel.shm_rmid_forced"}), "1");
  EXPECT_EQ(GetString(c, {"linux", "sysctl", "net.ipv4.ip_local_port_range"}), "1024 65000");
  auto decoded = DecodeContainerSpec(json::value(EncodeContainerSpec(spec_)));
  ASSERT_TRUE(decoded.ok());
  EXPECT_EQ(decoded->security.sysctls, spec_.security.sysctls);
}

}  // namespace
}  // namespace berth::runtime
