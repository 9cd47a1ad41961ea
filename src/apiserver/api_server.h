// ApiServer: the HttpHandler behind berth's HTTPS port. It authenticates,
// authorizes (a seam; RBAC plugs in later) and routes each request to
// /version and health, discovery, OpenAPI, access reviews, or the generic
// ResourceHandler. Thread-safe; runs on the HTTP worker pool.
#pragma once

#include <functional>

#include <memory>
#include <string>

#include "api/resource.h"
#include "apiserver/auth/authn.h"
#include "apiserver/auth/authz.h"
#include "apiserver/discovery.h"
#include "apiserver/http/request.h"
#include "apiserver/rest/resource_handler.h"

namespace berth::apiserver {
namespace nodes {
class NodeProxy;
}
namespace proxy {
class ResourceProxy;
}
namespace serviceaccount {
class TokenEndpoints;
}

constexpr const char* kGitVersion = "v1.32.5-berth";

class ApiServer : public HttpHandler {
 public:
  ApiServer(const api::Registry* registry, ResourceHandler* resources,
            const auth::Authenticator* authn, const auth::Authorizer* authz);
  ~ApiServer() override;

  void Handle(Request req, std::shared_ptr<Responder> responder) override;

  // Pod subresources served by the pod's node (logs). Optional; set before serving.
  void SetNodeProxy(nodes::NodeProxy* proxy) { node_proxy_ = proxy; }
  // serviceaccounts/token and the OIDC discovery paths (null: not served).
  void SetServiceAccountTokens(serviceaccount::TokenEndpoints* t) { sa_tokens_ = t; }
  // POST /berth/v1/join, answered before authentication (the handler checks the join token).
  void SetJoinHandler(std::function<Response(const Request&)> handler) { join_ = std::move(handler); }

 private:
  bool ServeNonResource(const Request& req, const auth::UserInfo& user, Response* out);
  Response AccessReview(const Request& req, const auth::UserInfo& user, const std::string& kind);

  const api::Registry* registry_;
  ResourceHandler* resources_;
  const auth::Authenticator* authn_;
  const auth::Authorizer* authz_;
  Discovery discovery_;
  nodes::NodeProxy* node_proxy_ = nullptr;
  serviceaccount::TokenEndpoints* sa_tokens_ = nullptr;
  std::function<Response(const Request&)> join_;
  std::unique_ptr<proxy::ResourceProxy> resource_proxy_;  // pods/proxy, services/proxy
};

}  // namespace berth::apiserver
