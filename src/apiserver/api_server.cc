#include "apiserver/api_server.h"

#include "api/openapi/openapi.h"
#include "apiserver/nodes/node_credentials.h"
#include "apiserver/nodes/node_proxy.h"
#include "apiserver/proxy/resource_proxy.h"
#include "apiserver/rest/object_codec.h"
#include "apiserver/rest/request_info.h"
#include "apiserver/rest/status_json.h"
#include "apiserver/serviceaccount/token_endpoints.h"
#include "apiserver/rest/table.h"
#include "common/json.h"

namespace berth::apiserver {

namespace {

Response NotFoundResponse() {
  return StatusResponse(Status(Reason::kNotFound, "the server could not find the requested resource"));
}

bool IsPublicPath(const std::string& path) {
  return path == "/version" || path == "/healthz" || path == "/livez" || path == "/readyz";
}

}  // namespace

ApiServer::ApiServer(const api::Registry* registry, ResourceHandler* resources,
                     const auth::Authenticator* authn, const auth::Authorizer* authz)
    : registry_(registry), resources_(resources), authn_(authn), authz_(authz),
      discovery_(*registry),
      resource_proxy_(std::make_unique<proxy::ResourceProxy>(resources, registry)) {}

ApiServer::~ApiServer() = default;

void ApiServer::Handle(Request req, std::shared_ptr<Responder> responder) {
  if (join_ && req.path == nodes::kJoinPath) return responder->Send(join_(req));
  auth::RequestCredentials creds;
  creds.authorization = req.Header("authorization");
  if (req.peer.verified) {
    creds.client_cert = auth::ClientCertIdentity{req.peer.common_name, req.peer.organizations};
  }
  std::optional<auth::UserInfo> user = authn_->Authenticate(creds);
  if (!user) {
    if (!IsPublicPath(req.path)) return responder->Send(StatusResponse(auth::UnauthorizedStatus()));
    user = auth::UserInfo{"system:anonymous", {"system:unauthenticated"}};
  }

  RequestInfo info = ParseRequestInfo(req);
  auth::Attributes attrs;
  attrs.path = req.path;
  attrs.resource_request = info.is_resource;
  attrs.verb = info.is_resource ? info.verb : req.method == "GET" ? "get" : "post";
  attrs.api_group = info.group;
  attrs.api_version = info.version;
  attrs.resource = info.resource;
  attrs.subresource = info.subresource;
  attrs.namespace_ = info.namespace_;
  attrs.name = info.name;
  if (!IsPublicPath(req.path)) {
    auth::Decision d = authz_->Authorize(*user, attrs);
    if (!d.allowed) return responder->Send(StatusResponse(auth::ForbiddenStatus(*user, attrs, d)));
  }

  if (!info.is_resource) {
    Response r;
    if (sa_tokens_ && sa_tokens_->ServeDiscovery(req, &r)) return responder->Send(std::move(r));
    if (ServeNonResource(req, *user, &r)) return responder->Send(std::move(r));
    return responder->Send(NotFoundResponse());
  }
  if (info.group == "authorization.k8s.io" && info.version == "v1" &&
      (info.resource == "selfsubjectaccessreviews" || info.resource == "selfsubjectrulesreviews")) {
    if (req.method != "POST") {
      return responder->Send(StatusResponse(Status(
          Reason::kMethodNotAllowed, "the server does not allow this method on the requested resource")));
    }
    return responder->Send(AccessReview(req, *user, info.resource));
  }
  if (info.group == "authentication.k8s.io" && info.version == "v1" &&
      info.resource == "selfsubjectreviews") {
    if (req.method != "POST") {
      return responder->Send(StatusResponse(Status(
          Reason::kMethodNotAllowed, "the server does not allow this method on the requested resource")));
    }
    json::array groups;
    for (const auto& g : user->groups) groups.push_back(json::value(g));
    Response r;
    r.status = 201;
    r.body = json::serialize(json::object{
        {"kind", "SelfSubjectReview"},
        {"apiVersion", "authentication.k8s.io/v1"},
        {"metadata", json::object{{"creationTimestamp", nullptr}}},
        {"status", json::object{{"userInfo", json::object{{"username", user->name},
                                                          {"groups", std::move(groups)}}}}}});
    return responder->Send(std::move(r));
  }
  if (node_proxy_ && info.group.empty() && info.resource == "pods" && info.subresource == "log") {
    return node_proxy_->ServeLogs(info, req, std::move(responder));
  }
  if (node_proxy_ && info.group.empty() && info.resource == "pods" && info.subresource == "exec") {
    return node_proxy_->ServeExec(info, req, std::move(responder));
  }
  if (sa_tokens_ && serviceaccount::TokenEndpoints::Handles(info)) {
    return responder->Send(sa_tokens_->CreateToken(info, req));
  }
  if (proxy::ResourceProxy::Handles(info)) {
    return resource_proxy_->Serve(info, req, std::move(responder));
  }
  if (info.group.empty() && info.resource == "bindings" && info.name.empty()) {
    // Legacy POST /api/v1/namespaces/{ns}/bindings: pods/binding with the pod named in the body.
    RequestInfo bi = info;
    bi.resource = "pods";
    bi.subresource = "binding";
    if (auto pods = registry_->Find("", info.version, "pods")) {
      return resources_->Handle(bi, *pods, req, std::move(responder));
    }
  }
  api::ResourceTypePtr t = registry_->Find(info.group, info.version, info.resource);
  if (!t) return responder->Send(NotFoundResponse());
  resources_->Handle(info, *t, req, std::move(responder));
}

bool ApiServer::ServeNonResource(const Request& req, const auth::UserInfo& user, Response* out) {
  const std::string& p = req.path;
  if (p == "/version") {
    out->body = json::serialize(json::object{{"major", "1"},
                                             {"minor", "32"},
                                             {"gitVersion", kGitVersion},
                                             {"gitCommit", "berth"},
                                             {"gitTreeState", "clean"},
                                             {"buildDate", "2026-11-28T00:00:00Z"},
                                             {"goVersion", "n/a (C++20)"},
                                             {"compiler", "gcc"},
                                             {"platform", "linux/amd64"}});
    return true;
  }
  if (p == "/healthz" || p == "/livez" || p == "/readyz") {
    out->content_type = "text/plain; charset=utf-8";
    out->body = "ok";
    return true;
  }
  if (p == "/openapi/v3" || p == "/openapi/v3/") {
    out->body = json::serialize(api::openapi::Root(*registry_));
    return true;
  }
  if (p.rfind("/openapi/v3/", 0) == 0) {
    std::string gvpath = p.substr(strlen("/openapi/v3/"));
    std::string group, version;
    if (gvpath.rfind("api/", 0) == 0) {
      version = gvpath.substr(4);
    } else if (gvpath.rfind("apis/", 0) == 0) {
      std::string rest = gvpath.substr(5);
      auto slash = rest.find('/');
      if (slash == std::string::npos) return false;
      group = rest.substr(0, slash);
      version = rest.substr(slash + 1);
    } else {
      return false;
    }
    bool known = false;
    for (const auto& gv : registry_->GroupVersions()) known = known || (gv.first == group && gv.second == version);
    if (!known) return false;
    out->body = api::openapi::GroupVersionDocument(*registry_, group, version);
    return true;
  }
  if (discovery_.Serve(req, out)) return true;
  return false;
}

Response ApiServer::AccessReview(const Request& req, const auth::UserInfo& user,
                                 const std::string& resource) {
  if (AcceptsOnlyTransformed(req)) {  // a review has no Table or metadata-only form
    return StatusResponse(Status(Reason::kNotAcceptable,
                                 "only the following media types are accepted: application/json, "
                                 "application/yaml, application/vnd.kubernetes.protobuf"));
  }
  std::vector<std::string> dups;
  auto body = DecodeBody(req, nullptr, &dups);
  if (!body.ok()) return StatusResponse(body.status());
  if (!body->is_object()) return StatusResponse(BadRequest("the request body must be an object"));
  json::object review = body->as_object();
  if (resource == "selfsubjectrulesreviews") {
    review["status"] = json::object{
        {"resourceRules", json::array{json::object{{"verbs", json::array{"*"}},
                                                   {"apiGroups", json::array{"*"}},
                                                   {"resources", json::array{"*"}}}}},
        {"nonResourceRules", json::array{json::object{{"verbs", json::array{"*"}},
                                                      {"nonResourceURLs", json::array{"*"}}}}},
        {"incomplete", false}};
  } else {
    auth::Attributes a;
    const json::value* ra = GetPath(review, {"spec", "resourceAttributes"});
    const json::value* nra = GetPath(review, {"spec", "nonResourceAttributes"});
    if (ra) {
      a.resource_request = true;
      a.verb = GetString(*ra, {"verb"});
      a.api_group = GetString(*ra, {"group"});
      a.api_version = GetString(*ra, {"version"});
      a.resource = GetString(*ra, {"resource"});
      a.subresource = GetString(*ra, {"subresource"});
      a.namespace_ = GetString(*ra, {"namespace"});
      a.name = GetString(*ra, {"name"});
    } else if (nra) {
      a.resource_request = false;
      a.verb = GetString(*nra, {"verb"});
      a.path = GetString(*nra, {"path"});
    } else {
      Cause c{"FieldValueRequired",
              "Required value: exactly one of nonResourceAttributes or resourceAttributes must be "
              "specified",
              "spec.resourceAttributes"};
      return StatusResponse(InvalidError("SelfSubjectAccessReview", "authorization.k8s.io", "", {c}));
    }
    auth::Decision d = authz_->Authorize(user, a);
    json::object status{{"allowed", d.allowed}};
    if (!d.reason.empty()) status["reason"] = d.reason;
    review["status"] = std::move(status);
  }
  review["apiVersion"] = "authorization.k8s.io/v1";
  review["kind"] = resource == "selfsubjectrulesreviews" ? "SelfSubjectRulesReview"
                                                         : "SelfSubjectAccessReview";
  json::value& meta = review["metadata"];
  if (!meta.is_object()) meta = json::object();
  meta.as_object()["creationTimestamp"] = nullptr;
  Response r;
  r.status = 201;
  r.body = json::serialize(review);
  return r;
}

}  // namespace berth::apiserver
