#include "apiserver/auth/authz.h"

namespace berth::apiserver::auth {
namespace {

std::string Quote(const std::string& s) { return "\"" + s + "\""; }

}  // namespace

Decision AlwaysAllowForMastersAuthorizer::Authorize(const UserInfo& user,
                                                    const Attributes& attrs) const {
  if (user.InGroup(kSystemMastersGroup)) {
    return {true, "user is in group " + std::string(kSystemMastersGroup)};
  }
  return {false, "only members of " + std::string(kSystemMastersGroup) +
                     " are authorized until RBAC is enabled"};
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
