#include "controllers/endpointslice/endpoint_subsets.h"

#include <algorithm>
#include <map>
#include <tuple>

#include "controllers/common/json_hash.h"
#include "controllers/common/owner_refs.h"
#include "controllers/common/pod_state.h"
#include "controllers/endpointslice/endpoint_pods.h"

namespace berth::controllers::endpoints {

namespace {

struct Group {
  json::array ports;
  std::vector<json::object> ready;
  std::vector<json::object> not_ready;
};

bool AddressLess(const json::object& a, const json::object& b) {
  return std::make_tuple(GetString(a, {"ip"}), GetString(a, {"targetRef", "uid"})) <
         std::make_tuple(GetString(b, {"ip"}), GetString(b, {"targetRef", "uid"}));
}

bool PortLess(const json::value& a, const json::value& b) {
  return std::make_tuple(GetString(a, {"name"}), GetInt(a, {"port"}), GetString(a, {"protocol"})) <
         std::make_tuple(GetString(b, {"name"}), GetInt(b, {"port"}), GetString(b, {"protocol"}));
}

}  // namespace

json::array BuildSubsets(const json::object& service, const api::selector::LabelSelector& selector,
                         const std::vector<controller::ObjectPtr>& pods, size_t max_addresses,
                         bool* truncated) {
  if (truncated) *truncated = false;
  const json::value* pnr = GetPath(service, {"spec", "publishNotReadyAddresses"});
  const bool publish_not_ready = pnr && pnr->is_bool() && pnr->as_bool();
  const json::value* sp = GetPath(service, {"spec", "ports"});
  const json::array service_ports = sp && sp->is_array() ? sp->as_array() : json::array{};
  if (service_ports.empty() && !IsHeadless(service)) return {};
  const std::string family = ServiceAddressFamily(service);

  std::map<std::string, Group> groups;  // by canonical port list
  for (const auto& pod_ptr : pods) {
    const json::object& pod = *pod_ptr;
    if (!selector.Matches(LabelsOf(pod))) continue;
    if (!ShouldPodBeInEndpoints(pod, publish_not_ready)) continue;
    std::string ip = PodIPOfFamily(pod, family);
    if (ip.empty()) continue;
    json::array ports;
    for (const auto& p : service_ports) {
      if (!p.is_object()) continue;
      auto n = ResolveTargetPort(pod, p.as_object());
      if (!n) continue;
      json::object port;
      std::string name = GetString(p, {"name"});
      if (!name.empty()) port["name"] = name;
      port["port"] = *n;
      port["protocol"] = GetString(p, {"protocol"}, "TCP");
      std::string app = GetString(p, {"appProtocol"});
      if (!app.empty()) port["appProtocol"] = app;
      ports.push_back(std::move(port));
    }
    if (!service_ports.empty() && ports.empty()) continue;
    std::sort(ports.begin(), ports.end(), PortLess);

    json::object addr{{"ip", ip}};
    std::string host = EndpointHostname(pod, service);
    if (!host.empty()) addr["hostname"] = host;
    std::string node = GetString(pod, {"spec", "nodeName"});
    if (!node.empty()) addr["nodeName"] = node;
    addr["targetRef"] = PodReference(pod);

    std::string key = CanonicalJson(ports);
    Group& g = groups[key];
    g.ports = ports;
    if (publish_not_ready || IsPodReady(pod)) {
      g.ready.push_back(std::move(addr));
    } else {
      g.not_ready.push_back(std::move(addr));
    }
  }

  size_t budget = max_addresses;
  // Ready addresses have the first claim on the budget, then not-ready ones.
  using AddressList = std::vector<json::object> Group::*;
  for (AddressList list : {&Group::ready, &Group::not_ready}) {
    for (auto& [key, g] : groups) {
      auto& addrs = g.*list;
      std::sort(addrs.begin(), addrs.end(), AddressLess);
      if (addrs.size() > budget) {
        addrs.resize(budget);
        if (truncated) *truncated = true;
      }
      budget -= addrs.size();
    }
  }
  json::array subsets;
  for (auto& [key, g] : groups) {
    if (g.ready.empty() && g.not_ready.empty()) continue;
    json::object ss;
    if (!g.ready.empty()) ss["addresses"] = json::array(g.ready.begin(), g.ready.end());
    if (!g.not_ready.empty()) {
      ss["notReadyAddresses"] = json::array(g.not_ready.begin(), g.not_ready.end());
    }
    if (!g.ports.empty()) ss["ports"] = g.ports;
    subsets.push_back(std::move(ss));
  }
  return subsets;
}

}  // namespace berth::controllers::endpoints
