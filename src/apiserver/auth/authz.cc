#include "apiserver/auth/authz.h"

namespace berth::apiserver::auth {
namespace {

std::string Quote(const std::string& s) { return "\"" + s + "\""; }

// What kube's default roles grant every authenticated user (system:discovery,
// system:public-info-viewer, system:basic-user, system:service-account-issuer-discovery):
// discovery and OpenAPI documents, health, the OIDC issuer documents, and reviews of oneself.
bool AuthenticatedDefault(const UserInfo& user, const Attributes& attrs) {
  if (!user.InGroup(kSystemAuthenticatedGroup)) return false;
  if (!attrs.resource_request) {
    const std::string& p = attrs.path;
    if (attrs.verb != "get") return false;
    return p == "/api" || p == "/apis" || p.rfind("/api/", 0) == 0 || p.rfind("/apis/", 0) == 0 ||
           p == "/version" || p == "/healthz" || p == "/livez" || p == "/readyz" ||
           p.rfind("/openapi/", 0) == 0 || p == "/.well-known/openid-configuration" ||
           p == "/openid/v1/jwks";
  }
  return attrs.verb == "create" &&
         ((attrs.api_group == "authentication.k8s.io" && attrs.resource == "selfsubjectreviews") ||
          (attrs.api_group == "authorization.k8s.io" &&
           (attrs.resource == "selfsubjectaccessreviews" ||
            attrs.resource == "selfsubjectrulesreviews")));
}

}  // namespace

Decision AlwaysAllowForMastersAuthorizer::Authorize(const UserInfo& user,
                                                    const Attributes& attrs) const {
  if (user.InGroup(kSystemMastersGroup)) {
    return {true, "user is in group " + std::string(kSystemMastersGroup)};
  }
  return {false, "only members of " + std::string(kSystemMastersGroup) +
                     " are authorized until RBAC is enabled"};
}

Decision NodeAuthorizer::Authorize(const UserInfo& user, const Attributes& attrs) const {
  if (user.InGroup(kSystemMastersGroup)) return {true, "user is in group system:masters"};
  if (AuthenticatedDefault(user, attrs)) return {true, "allowed to every authenticated user"};
  if (!user.InGroup("system:nodes") || user.name.rfind("system:node:", 0) != 0) {
    return {false, "only members of system:masters and system:nodes are authorized until RBAC "
                   "is enabled"};
  }
  if (!attrs.resource_request) return {attrs.verb == "get", "nodes may read non-resource paths"};
  const std::string& r = attrs.resource;
  const std::string& v = attrs.verb;
  bool read = v == "get" || v == "list" || v == "watch";
  bool write = v == "create" || v == "update" || v == "patch";
  if (attrs.api_group.empty()) {
    if (read && (r == "pods" || r == "nodes" || r == "services" || r == "endpoints" ||
                 r == "configmaps" || r == "secrets" || r == "namespaces" ||
                 r == "serviceaccounts" || r == "persistentvolumeclaims"))
      return {true, "node read access"};
    if (r == "nodes" && (write || v == "delete")) return {true, "nodes manage Node objects"};
    if (r == "pods" && (attrs.subresource == "status" && write)) return {true, "pod status"};
    if (r == "pods" && v == "delete" && attrs.subresource.empty()) return {true, "pod deletion"};
    if (r == "pods" && v == "create" && attrs.subresource == "eviction") return {true, "eviction"};
    if (r == "events" && (write || read)) return {true, "events"};
    if (r == "serviceaccounts" && v == "create" && attrs.subresource == "token")
      return {true, "service account tokens for the node's pods"};
  }
  if (attrs.api_group == "coordination.k8s.io" && r == "leases" &&
      attrs.namespace_ == "kube-node-lease" && (read || write || v == "delete"))
    return {true, "node lease"};
  if (attrs.api_group == "discovery.k8s.io" && read) return {true, "endpointslices"};
  if (attrs.api_group == "events.k8s.io" && (read || write)) return {true, "events"};
  return {false, "nodes may not " + v + " " + r};
}

std::string DenialDescription(const UserInfo& user, const Attributes& attrs) {
  std::string who = "User " + Quote(user.name) + " cannot " + attrs.verb;
  if (!attrs.resource_request) return who + " path " + Quote(attrs.path);
  std::string resource = attrs.resource;
  if (!attrs.subresource.empty()) resource += "/" + attrs.subresource;
  who += " resource " + Quote(resource) + " in API group " + Quote(attrs.api_group);
  if (!attrs.namespace_.empty()) return who + " in the namespace " + Quote(attrs.namespace_);
  return who + " at the cluster scope";
}

Status ForbiddenStatus(const UserInfo& user, const Attributes& attrs, const Decision& decision) {
  std::string why = DenialDescription(user, attrs);
  if (!decision.reason.empty()) why += ": " + decision.reason;
  StatusDetails details;
  std::string message;
  if (!attrs.resource_request || attrs.resource.empty()) {
    message = "forbidden: " + why;
  } else {
    std::string qualified = attrs.resource;
    if (!attrs.api_group.empty()) qualified += "." + attrs.api_group;
    message =
        qualified + (attrs.name.empty() ? "" : " " + Quote(attrs.name)) + " is forbidden: " + why;
    details.name = attrs.name;
    details.group = attrs.api_group;
    details.kind = attrs.resource;
  }
  return Status(Reason::kForbidden, std::move(message), std::move(details));
}

}  // namespace berth::apiserver::auth
