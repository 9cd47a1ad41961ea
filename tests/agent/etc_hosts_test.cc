#include "agent/etc_hosts.h"

#include <gtest/gtest.h>

namespace berth::agent {
namespace {

TEST(EtcHosts, ManagedFileForPodNetwork) {
  auto aliases = ParseJson(R"j([{"ip":"123.45.67.89","hostnames":["foo","bar"]}])j")->as_array();
  EtcHostsInput in;
  in.pod_ip = "10.1.0.5";
  in.hostname = "web-0";
  in.fqdn = "web-0.web.ns.svc.cluster.local";
  in.node_hosts = "1.2.3.4 the-node\n";
  in.host_aliases = &aliases;
  std::string h = EtcHostsContent(in);
  EXPECT_EQ(h.rfind("# Kubernetes-managed hosts file.\n127.0.0.1\tlocalhost\n", 0), 0u) << h;
  EXPECT_NE(h.find("\n10.1.0.5\tweb-0.web.ns.svc.cluster.local\tweb-0\n"), std::string::npos) << h;
  EXPECT_NE(h.find("\n# Entries added by HostAliases.\n123.45.67.89\tfoo\tbar\n"), std::string::npos) << h;
  EXPECT_EQ(h.find("the-node"), std::string::npos) << h;
}

TEST(EtcHosts, HostNetworkSeesTheNodeFile) {
  EtcHostsInput in;
  in.host_network = true;
  in.pod_ip = "192.168.1.2";
  in.hostname = "node";
  in.node_hosts = "127.0.0.1 localhost\n1.2.3.4 the-node";
  EXPECT_EQ(EtcHostsContent(in), "127.0.0.1 localhost\n1.2.3.4 the-node\n");
  auto aliases = ParseJson(R"j([{"ip":"5.6.7.8","hostnames":["x"]}])j")->as_array();
  in.host_aliases = &aliases;
  EXPECT_EQ(EtcHostsContent(in),
            "127.0.0.1 localhost\n1.2.3.4 the-node\n\n# Entries added by HostAliases.\n5.6.7.8\tx\n");
}

}  // namespace
}  // namespace berth::agent
