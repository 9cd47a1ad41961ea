// ResourceProxy: the pods/proxy and services/proxy subresources. Any method on
//   /api/v1/namespaces/NS/pods/[scheme:]NAME[:PORT]/proxy[/PATH]
//   /api/v1/namespaces/NS/services/[scheme:]NAME[:PORT]/proxy[/PATH]
// is sent to the pod (its IP) or to one ready endpoint of the service (from its Endpoints)
// over plain HTTP, and the upstream's answer (status, headers, body) is returned. The API server
// runs on a node whose routes reach the pod network, so it connects directly.
//
// The caller's Authorization header and hop-by-hop headers are not forwarded. https targets
// are refused (400). Upstream failures answer 503 (unreachable) or 504 (timeout).
// Thread-safety: Serve may run concurrently on worker threads; it blocks until the upstream
// has answered (bounded by the timeout).
#pragma once

#include <chrono>
#include <memory>
#include <mutex>
#include <random>

#include "api/resource.h"
#include "apiserver/http/request.h"
#include "apiserver/rest/request_info.h"

namespace berth::apiserver {
class ResourceHandler;
}

namespace berth::apiserver::proxy {

class ResourceProxy {
 public:
  ResourceProxy(ResourceHandler* resources, const api::Registry* registry,
                std::chrono::milliseconds timeout = std::chrono::seconds(30));

  // True for the requests Serve handles (core pods/proxy and services/proxy).
  static bool Handles(const RequestInfo& info);
  void Serve(const RequestInfo& info, const Request& req, std::shared_ptr<Responder> responder);

 private:
  Response Proxy(const RequestInfo& info, const Request& req);
  uint64_t Pick();

  ResourceHandler* resources_;
  const api::Registry* registry_;
  std::chrono::milliseconds timeout_;
  std::mutex mu_;
  std::mt19937_64 rng_;
};

}  // namespace berth::apiserver::proxy
