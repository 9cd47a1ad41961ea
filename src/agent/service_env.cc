#include "agent/service_env.h"

#include <map>

namespace berth::agent {
namespace {

std::string EnvName(std::string s) {
  for (auto& c : s) c = c == '-' ? '_' : static_cast<char>(toupper(static_cast<unsigned char>(c)));
  return s;
}

std::string Lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(tolower(static_cast<unsigned char>(c)));
  return s;
}

void AddService(const json::object& svc, std::vector<std::string>& env) {
  std::string ip = GetString(svc, {"spec", "clusterIP"});
  std::string name = EnvName(GetString(svc, {"metadata", "name"}));
  const auto* ports = GetPath(svc, {"spec", "ports"});
  if (!ports || !ports->is_array()) return;
  bool first = true;
  env.push_back(name + "_SERVICE_HOST=" + ip);
  for (const auto& pv : ports->as_array()) {
    if (!pv.is_object()) continue;
    const auto& p = pv.as_object();
    std::string port = std::to_string(GetInt(p, {"port"}));
    std::string proto = Lower(GetString(p, {"protocol"}, "TCP"));
    std::string url = proto + "://" + ip + ":" + port;
    if (first) {
      env.push_back(name + "_SERVICE_PORT=" + port);
      env.push_back(name + "_PORT=" + url);
    }
    std::string pname = GetString(p, {"name"});
    if (!pname.empty()) env.push_back(name + "_SERVICE_PORT_" + EnvName(pname) + "=" + port);
    std::string prefix = name + "_PORT_" + port + "_" + EnvName(proto);
    env.push_back(prefix + "=" + url);
    env.push_back(prefix + "_PROTO=" + proto);
    env.push_back(prefix + "_PORT=" + port);
    env.push_back(prefix + "_ADDR=" + ip);
    first = false;
  }
}

bool HasClusterIP(const json::object& svc) {
  std::string ip = GetString(svc, {"spec", "clusterIP"});
  return !ip.empty() && ip != "None";
}

}  // namespace

std::vector<std::string> ServiceEnvironment(const json::array* namespace_services,
                                            const json::object* master,
                                            bool enable_service_links) {
  std::map<std::string, const json::object*> chosen;
  if (enable_service_links && namespace_services)
    for (const auto& s : *namespace_services)
      if (s.is_object() && HasClusterIP(s.as_object()))
        chosen[GetString(s.as_object(), {"metadata", "name"})] = &s.as_object();
  if (master && HasClusterIP(*master)) {
    std::string name = GetString(*master, {"metadata", "name"});
    if (!chosen.count(name)) chosen[name] = master;
  }
  std::vector<std::string> env;
  for (const auto& [name, svc] : chosen) AddService(*svc, env);
  return env;
}

}  // namespace berth::agent
