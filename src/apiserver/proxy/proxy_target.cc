#include "apiserver/proxy/proxy_target.h"

#include <arpa/inet.h>

#include <vector>

namespace berth::apiserver::proxy {

namespace {

bool IsNumber(const std::string& s) {
  if (s.empty() || s.size() > 5) return false;
  for (char c : s)
    if (c < '0' || c > '9') return false;
  return true;
}

std::vector<std::string> SplitColons(const std::string& s) {
  std::vector<std::string> out(1);
  for (char c : s) {
    if (c == ':') {
      out.emplace_back();
    } else {
      out.back() += c;
    }
  }
  return out;
}

Status ParsePort(const std::string& s, int* port) {
  if (!IsNumber(s)) return BadRequest("invalid port " + s);
  int p = std::stoi(s);
  if (p < 1 || p > 65535) return BadRequest("invalid port " + s);
  *port = p;
  return Status::Ok();
}

}  // namespace

std::optional<ProxyId> SplitSchemeNamePort(const std::string& id) {
  std::vector<std::string> parts = SplitColons(id);
  ProxyId out;
  if (parts.size() == 1) {
    out.name = parts[0];
  } else if (parts.size() == 2) {
    out.name = parts[0];
    out.port = parts[1];
  } else if (parts.size() == 3) {
    out.scheme = parts[0];
    out.name = parts[1];
    out.port = parts[2];
    if (out.scheme != "http" && out.scheme != "https") return std::nullopt;
  } else {
    return std::nullopt;
  }
  if (out.name.empty()) return std::nullopt;
  return out;
}

Status CheckProxyableIp(const std::string& ip) {
  if (ip.empty()) return BadRequest("address not allowed: no IP address");
  in_addr a4{};
  in6_addr a6{};
  if (inet_pton(AF_INET, ip.c_str(), &a4) == 1) {
    uint32_t h = ntohl(a4.s_addr);
    if ((h >> 24) == 127) return BadRequest("address not allowed: " + ip + " is a loopback address");
    if ((h >> 16) == 0xa9fe) return BadRequest("address not allowed: " + ip + " is a link-local address");
    if (h == 0) return BadRequest("address not allowed: " + ip + " is unspecified");
    return Status::Ok();
  }
  if (inet_pton(AF_INET6, ip.c_str(), &a6) == 1) {
    static const in6_addr any = IN6ADDR_ANY_INIT;
    if (IN6_IS_ADDR_LOOPBACK(&a6)) return BadRequest("address not allowed: " + ip + " is a loopback address");
    if (IN6_IS_ADDR_LINKLOCAL(&a6)) return BadRequest("address not allowed: " + ip + " is a link-local address");
    if (IN6_ARE_ADDR_EQUAL(&a6, &any)) return BadRequest("address not allowed: " + ip + " is unspecified");
    return Status::Ok();
  }
  return BadRequest("address not allowed: invalid IP " + ip);
}

StatusOr<ProxyTarget> PodTarget(const json::object& pod, const ProxyId& id) {
  ProxyTarget t;
  if (!id.scheme.empty()) t.scheme = id.scheme;
  std::string port = id.port;
  const json::value* containers = GetPath(pod, {"spec", "containers"});
  if (port.empty() && containers && containers->is_array()) {
    for (const auto& c : containers->as_array()) {
      const json::value* ports = GetPath(c, {"ports"});
      if (ports && ports->is_array() && !ports->as_array().empty()) {
        port = std::to_string(GetInt(ports->as_array()[0], {"containerPort"}));
        break;
      }
    }
  }
  if (!port.empty() && !IsNumber(port)) {
    // A container port name (kube takes numbers only; names are resolved here for convenience).
    std::string found;
    if (containers && containers->is_array())
      for (const auto& c : containers->as_array())
        if (const json::value* ports = GetPath(c, {"ports"}); ports && ports->is_array())
          for (const auto& p : ports->as_array())
            if (found.empty() && GetString(p, {"name"}) == port) found = std::to_string(GetInt(p, {"containerPort"}));
    if (found.empty()) return BadRequest("invalid port " + port + " for pod " + id.name);
    port = found;
  }
  if (!port.empty()) BERTH_RETURN_IF_ERROR(ParsePort(port, &t.port));
  t.host = GetString(pod, {"status", "podIP"});
  BERTH_RETURN_IF_ERROR(CheckProxyableIp(t.host));
  return t;
}

StatusOr<ProxyTarget> ServiceTarget(const json::object& service, const json::object* endpoints,
                                    const ProxyId& id, uint64_t pick) {
  ProxyTarget t;
  if (!id.scheme.empty()) t.scheme = id.scheme;
  const json::value* ports = GetPath(service, {"spec", "ports"});
  std::string port_name = id.port;
  if (IsNumber(id.port)) {
    bool found = false;
    if (ports && ports->is_array())
      for (const auto& p : ports->as_array())
        if (!found && std::to_string(GetInt(p, {"port"})) == id.port) {
          port_name = GetString(p, {"name"});
          found = true;
        }
    if (!found)
      return Status(Reason::kServiceUnavailable,
                    "no service port " + id.port + " found for service \"" + id.name + "\"");
  } else if (id.port.empty() && ports && ports->is_array() && ports->as_array().size() == 1) {
    port_name = GetString(ports->as_array()[0], {"name"});
  }
  std::vector<std::pair<std::string, int>> candidates;
  if (endpoints) {
    if (const json::value* subsets = GetPath(*endpoints, {"subsets"}); subsets && subsets->is_array()) {
      for (const auto& ss : subsets->as_array()) {
        const json::value* sp = GetPath(ss, {"ports"});
        const json::value* addrs = GetPath(ss, {"addresses"});
        if (!sp || !sp->is_array() || !addrs || !addrs->is_array()) continue;
        for (const auto& p : sp->as_array()) {
          if (GetString(p, {"name"}) != port_name) continue;
          int port = static_cast<int>(GetInt(p, {"port"}));
          for (const auto& a : addrs->as_array()) candidates.emplace_back(GetString(a, {"ip"}), port);
        }
      }
    }
  }
  if (candidates.empty())
    return Status(Reason::kServiceUnavailable, "no endpoints available for service \"" + id.name + "\"");
  const auto& c = candidates[pick % candidates.size()];
  t.host = c.first;
  t.port = c.second;
  BERTH_RETURN_IF_ERROR(CheckProxyableIp(t.host));
  return t;
}

std::string UpstreamTarget(const std::string& raw_target) {
  size_t q = raw_target.find('?');
  std::string path = raw_target.substr(0, q);
  std::string query = q == std::string::npos ? "" : raw_target.substr(q);
  // Skip ".../<resource>/<name>/proxy": the segment after the first "proxy" that follows a
  // resource name. The leading segments are fixed: api/v1/namespaces/<ns>/<resource>/<name>/proxy.
  size_t pos = 0;
  int seen = 0;
  while (pos < path.size() && seen < 7) {
    if (path[pos] == '/') ++pos;
    size_t next = path.find('/', pos);
    if (next == std::string::npos) next = path.size();
    pos = next;
    ++seen;
  }
  std::string rest = pos < path.size() ? path.substr(pos) : "/";
  return rest + query;
}

}  // namespace berth::apiserver::proxy
