#include "agent/service_env.h"

#include <gtest/gtest.h>

#include <algorithm>

namespace berth::agent {
namespace {

bool Has(const std::vector<std::string>& env, const std::string& kv) {
  return std::find(env.begin(), env.end(), kv) != env.end();
}

TEST(ServiceEnv, DockerLinkVariables) {
  auto svcs = ParseJson(R"j([
    {"metadata":{"name":"foo-service"},"spec":{"clusterIP":"10.0.0.11",
      "ports":[{"name":"http","port":8765,"protocol":"TCP"},{"port":53,"protocol":"UDP"}]}},
    {"metadata":{"name":"headless"},"spec":{"clusterIP":"None","ports":[{"port":80}]}}])j")->as_array();
  auto master = ParseJson(R"j({"metadata":{"name":"kubernetes"},"spec":{"clusterIP":"10.0.0.1",
      "ports":[{"name":"https","port":443,"protocol":"TCP"}]}})j")->as_object();
  auto env = ServiceEnvironment(&svcs, &master, true);
  for (const char* kv : {"FOO_SERVICE_SERVICE_HOST=10.0.0.11", "FOO_SERVICE_SERVICE_PORT=8765",
                         "FOO_SERVICE_SERVICE_PORT_HTTP=8765", "FOO_SERVICE_PORT=tcp://10.0.0.11:8765",
                         "FOO_SERVICE_PORT_8765_TCP=tcp://10.0.0.11:8765",
                         "FOO_SERVICE_PORT_8765_TCP_PROTO=tcp", "FOO_SERVICE_PORT_8765_TCP_PORT=8765",
                         "FOO_SERVICE_PORT_8765_TCP_ADDR=10.0.0.11",
                         "FOO_SERVICE_PORT_53_UDP=udp://10.0.0.11:53",
                         "KUBERNETES_SERVICE_HOST=10.0.0.1", "KUBERNETES_SERVICE_PORT=443",
                         "KUBERNETES_SERVICE_PORT_HTTPS=443", "KUBERNETES_PORT=tcp://10.0.0.1:443"})
    EXPECT_TRUE(Has(env, kv)) << kv;
  for (const auto& kv : env) EXPECT_EQ(kv.find("HEADLESS"), std::string::npos) << kv;
  EXPECT_FALSE(Has(env, "FOO_SERVICE_PORT=udp://10.0.0.11:53"));
}

TEST(ServiceEnv, LinksDisabledKeepsTheMasterService) {
  auto svcs = ParseJson(R"j([{"metadata":{"name":"foo"},"spec":{"clusterIP":"10.0.0.11",
      "ports":[{"port":80}]}}])j")->as_array();
  auto master = ParseJson(R"j({"metadata":{"name":"kubernetes"},"spec":{"clusterIP":"10.0.0.1",
      "ports":[{"port":443}]}})j")->as_object();
  auto env = ServiceEnvironment(&svcs, &master, false);
  EXPECT_TRUE(Has(env, "KUBERNETES_SERVICE_HOST=10.0.0.1"));
  EXPECT_FALSE(Has(env, "FOO_SERVICE_HOST=10.0.0.11"));
  EXPECT_TRUE(ServiceEnvironment(nullptr, nullptr, true).empty());
}

}  // namespace
}  // namespace berth::agent
