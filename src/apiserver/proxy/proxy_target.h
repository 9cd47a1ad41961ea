// Where a pods/proxy or services/proxy request goes: pure functions of the stored Pod, or of
// the Service and its Endpoints, following kube-apiserver's ResourceLocation rules.
//
//   pods/[scheme:]NAME[:PORT]/proxy      PORT: a number, a container port name, or empty for
//                                        the first declared container port (else 80)
//   services/[scheme:]NAME[:PORT]/proxy  PORT: a service port number or name; the request goes
//                                        straight to one ready endpoint of that port
//
// Thread-safe (no state). Errors: BadRequest for a malformed id or an address that may not be
// proxied (none yet, loopback, link-local, unspecified), ServiceUnavailable when the service has
// no endpoint for the port.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "common/json.h"
#include "common/status.h"

namespace berth::apiserver::proxy {

struct ProxyId {
  std::string scheme;  // "", "http" or "https"
  std::string name;
  std::string port;  // "" when not given
};

// Splits "name", "name:port" or "scheme:name:port". nullopt when malformed.
std::optional<ProxyId> SplitSchemeNamePort(const std::string& id);

struct ProxyTarget {
  std::string scheme = "http";
  std::string host;  // an IP literal
  int port = 80;
};

// A pod's address for the id's port.
StatusOr<ProxyTarget> PodTarget(const json::object& pod, const ProxyId& id);

// One endpoint of the service's port, chosen by `pick` (any number; callers pass a random one).
// `endpoints` is the Service's Endpoints object, or nullptr when there is none.
StatusOr<ProxyTarget> ServiceTarget(const json::object& service, const json::object* endpoints,
                                    const ProxyId& id, uint64_t pick);

// OK when the address may be proxied to (kube's IsProxyableIP).
Status CheckProxyableIp(const std::string& ip);

// The upstream request target of a proxy request: the raw (still escaped) path after the
// "/proxy" segment, or "/" when there is none, plus the raw query. `raw_target` is the
// request target as received, e.g. "/api/v1/namespaces/ns/pods/p:80/proxy/a%20b?x=1".
std::string UpstreamTarget(const std::string& raw_target);

}  // namespace berth::apiserver::proxy
