#include "agent/etc_hosts.h"

namespace berth::agent {

std::string EtcHostsContent(const EtcHostsInput& in) {
  std::string hosts;
  if (in.host_network) {
    hosts = in.node_hosts;
    if (!hosts.empty() && hosts.back() != '\n') hosts += '\n';
  } else {
    hosts = "# Kubernetes-managed hosts file.\n127.0.0.1\tlocalhost\n"
            "::1\tlocalhost ip6-localhost ip6-loopback\nfe00::0\tip6-localnet\n"
            "fe00::0\tip6-mcastprefix\nfe00::1\tip6-allnodes\nfe00::2\tip6-allrouters\n";
    if (!in.pod_ip.empty())
      hosts += in.pod_ip + "\t" + (in.fqdn.empty() ? in.hostname : in.fqdn + "\t" + in.hostname) + "\n";
  }
  if (in.host_aliases && !in.host_aliases->empty()) {
    hosts += "\n# Entries added by HostAliases.\n";
    for (const auto& a : *in.host_aliases) {
      if (!a.is_object()) continue;
      std::string line = GetString(a.as_object(), {"ip"});
      if (const auto* hn = a.as_object().if_contains("hostnames"); hn && hn->is_array())
        for (const auto& h : hn->as_array())
          if (h.is_string()) line += "\t" + std::string(h.as_string());
      hosts += line + "\n";
    }
  }
  return hosts;
}

}  // namespace berth::agent
