// Authorization: may this user do this to that? The seam RBAC plugs into.
//
// The HTTP server fills Attributes from the request (after authentication)
// and asks an Authorizer. A denial becomes ForbiddenStatus(...), a 403 with
// Kubernetes' wording, before anything touches the store.
//
// Thread-safety: Authorizer implementations must be safe for concurrent
// Authorize calls. Authorize never throws.
#pragma once

#include <string>

#include "apiserver/auth/authn.h"
#include "common/status.h"

namespace berth::apiserver::auth {

struct Attributes {
  // Kubernetes verb: get list watch create update patch delete
  // deletecollection (resource requests) or the lower-case HTTP method
  // (non-resource requests such as /healthz or /version).
  std::string verb;
  bool resource_request = true;
  std::string api_group;    // "" for the core group
  std::string api_version;  // "v1"
  std::string resource;     // plural: "pods"
  std::string subresource;  // "status", "log", ... or ""
  std::string namespace_;   // "" for cluster-scoped or all-namespace requests
  std::string name;         // "" for list/create/collection requests
  std::string path;         // request path, always set; what non-resource rules match
};

struct Decision {
  bool allowed = false;
  std::string reason;  // why it was denied (or allowed), for the 403 message / audit
};

class Authorizer {
 public:
  virtual ~Authorizer() = default;
  virtual Decision Authorize(const UserInfo& user, const Attributes& attrs) const = 0;
};

// Allows everything to members of system:masters (the admin certificate and
// the admin token user) and denies everyone else until RBAC exists.
class AlwaysAllowForMastersAuthorizer : public Authorizer {
 public:
  Decision Authorize(const UserInfo& user, const Attributes& attrs) const override;
};

// Everything for system:masters; for nodes (user system:node:<name>, group system:nodes) what an
// agent needs: read pods, configmaps, secrets, services, endpoints; write Nodes, pod status, events
// and leases in kube-node-lease, create service account tokens. (RBAC's Node authorizer restricts
// this further per node; berth does not yet.) Every authenticated user (service accounts too) may
// read discovery, OpenAPI, health and the OIDC issuer documents (/.well-known/openid-configuration,
// /openid/v1/jwks) and create self reviews, as kube's default cluster roles allow.
class NodeAuthorizer : public Authorizer {
 public:
  Decision Authorize(const UserInfo& user, const Attributes& attrs) const override;
};

// "User \"bob\" cannot list resource \"pods\" in API group \"\" in the
// namespace \"default\"" (or "... at the cluster scope", or "cannot get path
// \"/metrics\"").
std::string DenialDescription(const UserInfo& user, const Attributes& attrs);

// The 403 Status for a denial, e.g. message
//   pods "web" is forbidden: User "bob" cannot get resource "pods" in API
//   group "" in the namespace "default": <reason>
// with details {name, group, kind=resource}.
Status ForbiddenStatus(const UserInfo& user, const Attributes& attrs, const Decision& decision);

}  // namespace berth::apiserver::auth
