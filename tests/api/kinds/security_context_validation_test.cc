#include "api/kinds/core/security_context_validation.h"

#include <gtest/gtest.h>

#include "api/kinds/kinds.h"
#include "common/json.h"

namespace berth::api {
namespace {

json::object Spec(const char* security_context, const char* extra = "") {
  std::string text = std::string(R"({"containers":[{"name":"c","image":"busybox"}],)") + extra +
                     R"("securityContext":)" + security_context + "}";
  return ParseJson(text).value().as_object();
}

std::string Render(const std::vector<Cause>& causes) {
  std::string all;
  for (const auto& c : causes) all += c.field + ": " + c.message + "\n";
  return all;
}

TEST(SecurityContextValidationTest, SysctlNames) {
  EXPECT_TRUE(core::IsValidSysctlName("kernel.shm_rmid_forced"));
  EXPECT_TRUE(core::IsValidSysctlName("net.ipv4.ip_local_port_range"));
  EXPECT_TRUE(core::IsValidSysctlName("net/ipv4/conf/eth0.100/forwarding"));
  EXPECT_TRUE(core::IsValidSysctlName("safe-and-unsafe"));
  EXPECT_FALSE(core::IsValidSysctlName("foo-"));
  EXPECT_FALSE(core::IsValidSysctlName("bar.."));
  EXPECT_FALSE(core::IsValidSysctlName("Kernel.shmmax"));
  EXPECT_FALSE(core::IsValidSysctlName(".kernel"));
  EXPECT_FALSE(core::IsValidSysctlName(std::string(254, 'a')));
}

// The conformance case: two invalid names are reported, the valid ones (safe or not) are not.
TEST(SecurityContextValidationTest, RejectsInvalidSysctlsOnly) {
  auto causes = ValidatePodSpec(Spec(R"({"sysctls":[{"name":"foo-","value":"bar"},
      {"name":"kernel.shmmax","value":"100000000"},{"name":"safe-and-unsafe","value":"1"},
      {"name":"bar..","value":"42"}]})"), "spec");
  std::string all = Render(causes);
  ASSERT_EQ(causes.size(), 2u) << all;
  EXPECT_EQ(causes[0].field, "spec.securityContext.sysctls[0].name");
  EXPECT_EQ(causes[0].type, "FieldValueInvalid");
  EXPECT_NE(causes[0].message.find("Invalid value: \"foo-\": must have at most 253 characters"),
            std::string::npos) << all;
  EXPECT_EQ(causes[1].field, "spec.securityContext.sysctls[3].name");
  EXPECT_NE(causes[1].message.find("Invalid value: \"bar..\""), std::string::npos) << all;
}

TEST(SecurityContextValidationTest, DuplicateAndMissingSysctlNames) {
  auto causes = ValidatePodSpec(Spec(R"({"sysctls":[{"name":"kernel.shm_rmid_forced","value":"1"},
      {"name":"kernel.shm_rmid_forced","value":"0"},{"name":"","value":"0"}]})"), "spec");
  std::string all = Render(causes);
  ASSERT_EQ(causes.size(), 2u) << all;
  EXPECT_EQ(causes[0].field, "spec.securityContext.sysctls[1].name");
  EXPECT_EQ(causes[0].type, "FieldValueDuplicate");
  EXPECT_EQ(causes[1].field, "spec.securityContext.sysctls[2].name");
  EXPECT_EQ(causes[1].type, "FieldValueRequired");
}

TEST(SecurityContextValidationTest, NetSysctlsForbiddenWithHostNetwork) {
  auto causes = ValidatePodSpec(
      Spec(R"({"sysctls":[{"name":"net.ipv4.tcp_syncookies","value":"1"},
          {"name":"kernel.shm_rmid_forced","value":"1"}]})", R"("hostNetwork":true,)"), "spec");
  ASSERT_EQ(causes.size(), 1u) << Render(causes);
  EXPECT_EQ(causes[0].field, "spec.securityContext.sysctls[0].name");
  EXPECT_NE(causes[0].message.find("hostNetwork"), std::string::npos);
}

TEST(SecurityContextValidationTest, UidAndGidRanges) {
  auto causes = ValidatePodSpec(
      ParseJson(R"({"securityContext":{"runAsUser":-1,"runAsGroup":2002},
          "containers":[{"name":"c","image":"busybox","securityContext":{"runAsGroup":4294967296}}]})")
          .value().as_object(), "spec");
  std::string all = Render(causes);
  ASSERT_EQ(causes.size(), 2u) << all;
  EXPECT_EQ(causes[0].field, "spec.securityContext.runAsUser");
  EXPECT_EQ(causes[1].field, "spec.containers[0].securityContext.runAsGroup");
  EXPECT_NE(causes[1].message.find("must be between 0 and 2147483647"), std::string::npos);
}

}  // namespace
}  // namespace berth::api
