#include "agent/port_admission.h"

namespace berth::agent {

namespace {

bool Wildcard(const std::string& ip) { return ip.empty() || ip == "0.0.0.0"; }

}  // namespace

std::vector<HostPortUse> HostPortsOf(const json::object& pod) {
  std::vector<HostPortUse> out;
  const json::value* cs = GetPath(pod, {"spec", "containers"});
  if (!cs || !cs->is_array()) return out;
  for (const auto& c : cs->as_array()) {
    if (!c.is_object()) continue;
    const json::value* ps = c.as_object().if_contains("ports");
    if (!ps || !ps->is_array()) continue;
    for (const auto& p : ps->as_array()) {
      if (!p.is_object()) continue;
      int port = static_cast<int>(GetInt(p.as_object(), {"hostPort"}));
      if (port <= 0) continue;
      out.push_back({GetString(p.as_object(), {"hostIP"}),
                     GetString(p.as_object(), {"protocol"}, "TCP"), port});
    }
  }
  return out;
}

bool HostPortsConflict(const std::vector<HostPortUse>& a, const std::vector<HostPortUse>& b) {
  for (const auto& x : a)
    for (const auto& y : b)
      if (x.port == y.port && x.protocol == y.protocol &&
          (Wildcard(x.ip) || Wildcard(y.ip) || x.ip == y.ip))
        return true;
  return false;
}

}  // namespace berth::agent
