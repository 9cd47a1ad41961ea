#include "agent/container_config.h"

#include <gtest/gtest.h>

namespace berth::agent {
namespace {

json::object Obj(const char* text) { return ParseJson(text)->as_object(); }

StatusOr<json::value> Lookup(const std::string& resource, const std::string& name) {
  if (resource == "configmaps" && name == "cfg")
    return ParseJson(R"j({"metadata":{"namespace":"ns"},"data":{"A":"1","B":"two"}})j");
  if (resource == "secrets" && name == "sec")
    return ParseJson(R"j({"metadata":{"namespace":"ns"},"data":{"pw":"aHVudGVyMg=="}})j");
  return Status(Reason::kNotFound, "not found");
}

TEST(ResolveArgs, KubernetesCommandAndArgsRules) {
  image::ImageConfig img;
  img.entrypoint = {"/entry"};
  img.cmd = {"default"};
  EXPECT_EQ(ResolveArgs(Obj("{}"), img, {}), (std::vector<std::string>{"/entry", "default"}));
  EXPECT_EQ(ResolveArgs(Obj(R"j({"args":["x"]})j"), img, {}),
            (std::vector<std::string>{"/entry", "x"}));
  EXPECT_EQ(ResolveArgs(Obj(R"j({"command":["sh"]})j"), img, {}), (std::vector<std::string>{"sh"}));
  EXPECT_EQ(ResolveArgs(Obj(R"j({"command":["echo","$(A)","$$(A)","$(NOPE)"]})j"), img, {"A=1"}),
            (std::vector<std::string>{"echo", "1", "$(A)", "$(NOPE)"}));
}

TEST(ResolveEnv, SourcesAndPrecedence) {
  image::ImageConfig img;
  img.env = {"PATH=/bin", "A=image"};
  json::object pod = Obj(R"j({"metadata":{"name":"p","namespace":"ns","labels":{"app":"web"}},
                              "spec":{"nodeName":"n1"}})j");
  json::object c = Obj(R"j({"name":"c",
    "envFrom":[{"configMapRef":{"name":"cfg"},"prefix":"CM_"}],
    "env":[{"name":"A","value":"mine"},
           {"name":"REF","value":"$(A)-$(PATH)"},
           {"name":"PW","valueFrom":{"secretKeyRef":{"name":"sec","key":"pw"}}},
           {"name":"POD","valueFrom":{"fieldRef":{"fieldPath":"metadata.name"}}},
           {"name":"APP","valueFrom":{"fieldRef":{"fieldPath":"metadata.labels['app']"}}},
           {"name":"IP","valueFrom":{"fieldRef":{"fieldPath":"status.podIP"}}},
           {"name":"OPT","valueFrom":{"configMapKeyRef":{"name":"missing","key":"k","optional":true}}}],
    "resources":{"limits":{"memory":"64Mi"}}})j");
  auto env = ResolveEnv(pod, c, img, Lookup, "10.1.0.5", "127.0.0.1");
  ASSERT_TRUE(env.ok()) << env.status().ToString();
  auto has = [&](const std::string& kv) {
    return std::find(env->begin(), env->end(), kv) != env->end();
  };
  EXPECT_TRUE(has("PATH=/bin"));
  EXPECT_TRUE(has("A=mine"));
  EXPECT_TRUE(has("REF=mine-/bin"));
  EXPECT_TRUE(has("CM_A=1"));
  EXPECT_TRUE(has("CM_B=two"));
  EXPECT_TRUE(has("PW=hunter2"));
  EXPECT_TRUE(has("POD=p"));
  EXPECT_TRUE(has("APP=web"));
  EXPECT_TRUE(has("IP=10.1.0.5"));
  EXPECT_TRUE(has("OPT="));
}

TEST(ResolveEnv, MissingConfigMapIsAClearError) {
  json::object pod = Obj(R"j({"metadata":{"name":"p","namespace":"ns"},"spec":{}})j");
  json::object c = Obj(R"j({"name":"c","env":[{"name":"X","valueFrom":{"configMapKeyRef":{"name":"nope","key":"k"}}}]})j");
  auto env = ResolveEnv(pod, c, {}, Lookup, "", "");
  ASSERT_FALSE(env.ok());
  EXPECT_EQ(env.status().message(), "configmap \"nope\" not found");
}

TEST(ResourceFieldValue, RoundsUpWithDivisor) {
  json::object c = Obj(R"j({"resources":{"limits":{"cpu":"250m","memory":"64Mi"}}})j");
  EXPECT_EQ(*ResourceFieldValue(c, "limits.cpu", "", 2000, 0), "1");
  EXPECT_EQ(*ResourceFieldValue(c, "limits.cpu", "1m", 2000, 0), "250");
  EXPECT_EQ(*ResourceFieldValue(c, "limits.memory", "1Mi", 0, 0), "64");
}

TEST(ResolveResources, CgroupSettingsFromQuantities) {
  auto r = ResolveResources(Obj(R"j({"resources":{"requests":{"cpu":"500m"},"limits":{"cpu":"1","memory":"128Mi"}}})j"));
  EXPECT_EQ(r.cpu_shares, 512);
  EXPECT_EQ(r.cpu_quota_us, 100000);
  EXPECT_EQ(r.memory_limit_bytes, 128 << 20);
  auto none = ResolveResources(Obj("{}"));
  EXPECT_EQ(none.cpu_shares, 0);
  EXPECT_EQ(none.memory_limit_bytes, 0);
}

TEST(ResolveSecurity, ContainerOverridesPodAndNonRootIsEnforced) {
  auto s = ResolveSecurity(Obj(R"j({"securityContext":{"runAsUser":1000,"runAsGroup":3000,"supplementalGroups":[4]}})j"),
                           Obj(R"j({"name":"c","securityContext":{"runAsUser":2000,"readOnlyRootFilesystem":true,
                                   "allowPrivilegeEscalation":false,"capabilities":{"drop":["ALL"],"add":["NET_BIND_SERVICE"]}}})j"));
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(*s->run_as_user, 2000);
  EXPECT_EQ(*s->run_as_group, 3000);
  EXPECT_TRUE(s->read_only_rootfs);
  EXPECT_TRUE(s->no_new_privileges);
  EXPECT_EQ(s->drop_capabilities, std::vector<std::string>{"ALL"});
  EXPECT_EQ(s->supplemental_groups, std::vector<int64_t>{4});
  auto bad = ResolveSecurity(Obj(R"j({"securityContext":{"runAsNonRoot":true}})j"),
                             Obj(R"j({"name":"c","securityContext":{"runAsUser":0}})j"));
  EXPECT_FALSE(bad.ok());
}

// Without limits, resourceFieldRef reports the node's allocatable (requests stay 0).
TEST(ResolveEnv, DefaultLimitsAreTheNodesAllocatable) {
  json::object pod = Obj(R"j({"metadata":{"name":"p","namespace":"ns"},"spec":{"containers":[{"name":"c"}]}})j");
  json::object c = Obj(R"j({"name":"c","env":[
    {"name":"CPU","valueFrom":{"resourceFieldRef":{"resource":"limits.cpu"}}},
    {"name":"MEM","valueFrom":{"resourceFieldRef":{"containerName":"c","resource":"limits.memory"}}},
    {"name":"REQ","valueFrom":{"resourceFieldRef":{"resource":"requests.cpu"}}}]})j");
  auto env = ResolveEnv(pod, c, {}, Lookup, "", "", NodeAllocatable{4000, 8LL << 30});
  ASSERT_TRUE(env.ok()) << env.status().message();
  EXPECT_EQ(*env, (std::vector<std::string>{"CPU=4", "MEM=8589934592", "REQ=0"}));
}

TEST(ResolveSecurity, SafeSysctlsAreCarriedUnsafeOnesRefused) {
  auto s = ResolveSecurity(Obj(R"j({"securityContext":{"sysctls":[
                               {"name":"kernel.shm_rmid_forced","value":"1"},
                               {"name":"net/ipv4/ip_local_port_range","value":"1024 65000"}]}})j"),
                           Obj(R"j({"name":"c"})j"));
  ASSERT_TRUE(s.ok()) << s.status().message();
  EXPECT_EQ(s->sysctls, (std::map<std::string, std::string>{
                            {"kernel.shm_rmid_forced", "1"},
                            {"net.ipv4.ip_local_port_range", "1024 65000"}}));
  auto bad = ResolveSecurity(Obj(R"j({"securityContext":{"sysctls":[{"name":"kernel.msgmax","value":"1"}]}})j"),
                             Obj(R"j({"name":"c"})j"));
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().message(), "forbidden sysctl: \"kernel.msgmax\" not allowlisted");
}

TEST(SysctlDotted, SlashSeparatedNamesSwapDotsAndSlashes) {
  EXPECT_EQ(SysctlDotted("kernel.shm_rmid_forced"), "kernel.shm_rmid_forced");
  EXPECT_EQ(SysctlDotted("net/ipv4/conf/eth0.100/forwarding"), "net.ipv4.conf.eth0/100.forwarding");
  EXPECT_EQ(SysctlDotted("net.ipv4.conf.eth0/100.forwarding"), "net.ipv4.conf.eth0/100.forwarding");
  EXPECT_TRUE(IsSafeSysctl("net.ipv4.tcp_syncookies"));
  EXPECT_FALSE(IsSafeSysctl("kernel.shmmax"));
}

}  // namespace
}  // namespace berth::agent
