#include "apiserver/proxy/resource_proxy.h"

#include "apiserver/proxy/http_round_trip.h"
#include "apiserver/proxy/proxy_target.h"
#include "apiserver/rest/resource_handler.h"
#include "apiserver/rest/status_json.h"

namespace berth::apiserver::proxy {

namespace {

std::string Lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(tolower(static_cast<unsigned char>(c)));
  return s;
}

// Headers that belong to one connection (RFC 9110 section 7.6.1), plus those the proxy sets.
bool IsHopByHop(const std::string& lname) {
  return lname == "connection" || lname == "keep-alive" || lname == "proxy-connection" ||
         lname == "proxy-authenticate" || lname == "proxy-authorization" || lname == "te" ||
         lname == "trailer" || lname == "transfer-encoding" || lname == "upgrade" ||
         lname == "host" || lname == "content-length";
}

}  // namespace

ResourceProxy::ResourceProxy(ResourceHandler* resources, const api::Registry* registry,
                             std::chrono::milliseconds timeout)
    : resources_(resources), registry_(registry), timeout_(timeout), rng_(std::random_device{}()) {}

bool ResourceProxy::Handles(const RequestInfo& info) {
  return info.is_resource && info.group.empty() && info.subresource == "proxy" &&
         !info.namespace_.empty() && (info.resource == "pods" || info.resource == "services");
}

uint64_t ResourceProxy::Pick() {
  std::lock_guard<std::mutex> lock(mu_);
  return rng_();
}

void ResourceProxy::Serve(const RequestInfo& info, const Request& req,
                          std::shared_ptr<Responder> responder) {
  responder->Send(Proxy(info, req));
}

Response ResourceProxy::Proxy(const RequestInfo& info, const Request& req) {
  auto id = SplitSchemeNamePort(info.name);
  if (!id) return StatusResponse(BadRequest("invalid " + info.resource + " request \"" + info.name + "\""));
  StatusOr<ProxyTarget> target = Status(Reason::kInternalError, "unreachable");
  if (info.resource == "pods") {
    api::ResourceTypePtr pods = registry_->Find("", "v1", "pods");
    auto pod = resources_->GetObject(*pods, info.namespace_, id->name);
    if (!pod.ok()) return StatusResponse(pod.status());
    target = PodTarget(*pod, *id);
  } else {
    api::ResourceTypePtr services = registry_->Find("", "v1", "services");
    api::ResourceTypePtr endpoints = registry_->Find("", "v1", "endpoints");
    auto svc = resources_->GetObject(*services, info.namespace_, id->name);
    if (!svc.ok()) return StatusResponse(svc.status());
    auto eps = resources_->GetObject(*endpoints, info.namespace_, id->name);
    if (!eps.ok() && eps.status().reason() != Reason::kNotFound) return StatusResponse(eps.status());
    target = ServiceTarget(*svc, eps.ok() ? &*eps : nullptr, *id, Pick());
  }
  if (!target.ok()) return StatusResponse(target.status());
  if (target->scheme != "http")
    return StatusResponse(BadRequest("berth proxies plain http only (scheme " + target->scheme + ")"));

  UpstreamRequest up;
  up.method = req.method;
  up.host = target->host;
  up.port = target->port;
  up.target = UpstreamTarget(req.target);
  up.body = req.body;
  for (const auto& [k, v] : req.headers) {
    if (IsHopByHop(k) || k == "authorization") continue;
    up.headers.emplace_back(k, v);
  }
  if (!req.remote_address.empty()) up.headers.emplace_back("x-forwarded-for", req.remote_address);
  auto res = RoundTrip(up, timeout_);
  if (!res.ok()) {
    return StatusResponse(Status(res.status().reason(), "error trying to reach " + info.resource + " " +
                                                            id->name + ": " + res.status().message()));
  }
  Response out;
  out.status = res->status;
  out.content_type = "";
  out.body = std::move(res->body);
  for (auto& [k, v] : res->headers) {
    std::string lk = Lower(k);
    if (IsHopByHop(lk)) continue;
    if (lk == "content-type") {
      out.content_type = v;
      continue;
    }
    if (lk == "cache-control") continue;  // the server sets its own
    out.headers.emplace_back(k, v);
  }
  if (out.content_type.empty()) out.content_type = "text/plain; charset=utf-8";
  return out;
}

}  // namespace berth::apiserver::proxy
