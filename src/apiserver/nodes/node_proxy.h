// NodeProxy: serves pod subresources that live on the pod's node (`pods/log`) by forwarding them
// to that node's agent over HTTPS (address: the Node's InternalIP and
// status.daemonEndpoints.kubeletEndpoint.Port), authenticated with the API server's admin client
// certificate. The agent's serving certificate is verified against the cluster CA.
//
// Thread-safety: Serve* may run concurrently on worker threads.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "api/resource.h"
#include "apiserver/http/request.h"
#include "apiserver/rest/request_info.h"
#include "apiserver/tls/pki.h"
#include "client/api_client.h"

namespace berth::apiserver {
class ResourceHandler;
}

namespace berth::apiserver::nodes {

// The subprotocol for pods/log over WebSocket from the client's Sec-WebSocket-Protocol list:
// "binary.k8s.io", "" when the client asked for none, nullopt when none is supported.
std::optional<std::string> ChooseLogProtocol(const std::string& header);

class NodeProxy {
 public:
  NodeProxy(ResourceHandler* resources, const api::Registry* registry, const tls::Pki* pki);
  // GET /api/v1/namespaces/<ns>/pods/<name>/log; with a WebSocket upgrade (binary.k8s.io or no
  // subprotocol) the log comes as binary messages followed by a close frame.
  void ServeLogs(const RequestInfo& info, const Request& req, std::shared_ptr<Responder> responder);
  // GET /api/v1/namespaces/<ns>/pods/<name>/exec with a WebSocket upgrade: the upgrade is
  // forwarded to the agent and, once it answers 101, bytes are relayed both ways until either
  // side closes. SPDY upgrades get 400 (kubectl 1.32 tries WebSocket first).
  void ServeExec(const RequestInfo& info, const Request& req, std::shared_ptr<Responder> responder);

 private:
  struct Target {
    std::string host;
    int port = 0;
    std::string container;
  };
  // The pod's node endpoint and the container (defaulted when the pod has only one).
  StatusOr<Target> ResolveTarget(const RequestInfo& info, const Request& req);
  client::ApiClient* ClientFor(const std::string& host, int port);
  ResourceHandler* resources_;
  const api::Registry* registry_;
  const tls::Pki* pki_;
  std::mutex mu_;
  std::map<std::string, std::unique_ptr<client::ApiClient>> clients_;
};

}  // namespace berth::apiserver::nodes
