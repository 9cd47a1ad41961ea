#include "common/status.h"

namespace berth {

int HttpCode(Reason r) {
  switch (r) {
    case Reason::kOk: return 200;
    case Reason::kBadRequest: return 400;
    case Reason::kUnauthorized: return 401;
    case Reason::kForbidden: return 403;
    case Reason::kNotFound: return 404;
    case Reason::kMethodNotAllowed: return 405;
    case Reason::kNotAcceptable: return 406;
    case Reason::kAlreadyExists: return 409;
    case Reason::kConflict: return 409;
    case Reason::kGone: return 410;
    case Reason::kExpired: return 410;
    case Reason::kRequestEntityTooLarge: return 413;
    case Reason::kUnsupportedMediaType: return 415;
    case Reason::kInvalid: return 422;
    case Reason::kTooManyRequests: return 429;
    case Reason::kInternalError: return 500;
    case Reason::kServiceUnavailable: return 503;
    case Reason::kTimeout: return 504;
  }
  return 500;
}

const char* ReasonName(Reason r) {
  switch (r) {
    case Reason::kOk: return "";
    case Reason::kBadRequest: return "BadRequest";
    case Reason::kUnauthorized: return "Unauthorized";
    case Reason::kForbidden: return "Forbidden";
    case Reason::kNotFound: return "NotFound";
    case Reason::kMethodNotAllowed: return "MethodNotAllowed";
    case Reason::kNotAcceptable: return "NotAcceptable";
    case Reason::kAlreadyExists: return "AlreadyExists";
    case Reason::kConflict: return "Conflict";
    case Reason::kGone: return "Gone";
    case Reason::kExpired: return "Expired";
    case Reason::kRequestEntityTooLarge: return "RequestEntityTooLarge";
    case Reason::kUnsupportedMediaType: return "UnsupportedMediaType";
    case Reason::kInvalid: return "Invalid";
    case Reason::kTooManyRequests: return "TooManyRequests";
    case Reason::kInternalError: return "InternalError";
    case Reason::kServiceUnavailable: return "ServiceUnavailable";
    case Reason::kTimeout: return "Timeout";
  }
  return "InternalError";
}

std::string Status::ToString() const {
  if (ok()) return "OK";
  return std::string(ReasonName(reason_)) + ": " + message_;
}

Status NotFound(const std::string& resource, const std::string& name) {
  StatusDetails d;
  d.name = name;
  auto dot = resource.find('.');
  d.kind = resource.substr(0, dot);
  if (dot != std::string::npos) d.group = resource.substr(dot + 1);
  return Status(Reason::kNotFound, resource + " \"" + name + "\" not found", d);
}

Status AlreadyExists(const std::string& resource, const std::string& name) {
  StatusDetails d;
  d.name = name;
  auto dot = resource.find('.');
  d.kind = resource.substr(0, dot);
  if (dot != std::string::npos) d.group = resource.substr(dot + 1);
  return Status(Reason::kAlreadyExists, resource + " \"" + name + "\" already exists", d);
}

Status ConflictError(const std::string& resource, const std::string& name, const std::string& why) {
  StatusDetails d;
  d.name = name;
  auto dot = resource.find('.');
  d.kind = resource.substr(0, dot);
  if (dot != std::string::npos) d.group = resource.substr(dot + 1);
  return Status(Reason::kConflict,
                "Operation cannot be fulfilled on " + resource + " \"" + name + "\": " + why, d);
}

Status InvalidError(const std::string& kind, const std::string& group, const std::string& name,
                    std::vector<Cause> causes) {
  // Kubernetes names the GroupKind: "Deployment.apps \"web\" is invalid: ...".
  std::string msg = kind + (group.empty() ? "" : "." + group) + " \"" + name + "\" is invalid: ";
  if (causes.size() > 1) msg += "[";
  for (size_t i = 0; i < causes.size(); ++i) {
    if (i) msg += ", ";
    if (!causes[i].field.empty()) msg += causes[i].field + ": ";
    msg += causes[i].message;
  }
  if (causes.size() > 1) msg += "]";
  StatusDetails d;
  d.name = name;
  d.kind = kind;
  d.group = group;
  d.causes = std::move(causes);
  return Status(Reason::kInvalid, msg, d);
}

Status BadRequest(std::string message) { return Status(Reason::kBadRequest, std::move(message)); }
Status InternalError(std::string message) {
  return Status(Reason::kInternalError, std::move(message));
}

}  // namespace berth
