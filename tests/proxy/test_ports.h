// Hand-built ServicePorts shared by the renderer tests.
//
// Address plan (every test): pod CIDR 10.88.0.0/16 (the node bridge is 10.88.0.1; pods of node
// "n1" are 10.88.1.x, pods of node "n2" 10.88.2.x), service CIDR 10.96.0.0/16 (cluster DNS
// 10.96.0.3), node IP 192.168.77.1 with an "outside" client at 192.168.77.2.
#pragma once

#include <string>
#include <vector>

#include "proxy/model.h"
#include "proxy/ruleset.h"

namespace berth::proxy::testing {

inline RenderOptions TestRenderOptions(std::string table = "berth-test") {
  RenderOptions o;
  o.table = std::move(table);
  o.pod_cidr = "10.88.0.0/16";
  return o;
}

inline ServicePort Port(std::string name, std::string cluster_ip, int port,
                        std::vector<Backend> backends, std::string port_name = "",
                        std::string protocol = "tcp") {
  ServicePort p;
  p.ns = "default";
  p.name = std::move(name);
  p.port_name = std::move(port_name);
  p.protocol = std::move(protocol);
  p.cluster_ip = std::move(cluster_ip);
  p.port = port;
  p.cluster_backends = std::move(backends);
  return p;
}

inline Model ModelOf(const std::vector<ServicePort>& ports) {
  Model m;
  for (const ServicePort& p : ports) m[p.Key()] = p;
  return m;
}

}  // namespace berth::proxy::testing
