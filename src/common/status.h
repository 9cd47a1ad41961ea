// Status and StatusOr: errors as values, carrying the Kubernetes reason so the
// API server can map them 1:1 onto HTTP codes and `Status` JSON objects.
//
// A default-constructed Status is OK. Functions that can fail return Status
// (or StatusOr<T>); code that throws (parsers) is wrapped at the boundary.
#pragma once

#include <cassert>
#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

namespace berth {

// Kubernetes StatusReason values (apimachinery metav1.StatusReason).
enum class Reason {
  kOk,
  kBadRequest,             // 400
  kUnauthorized,           // 401
  kForbidden,              // 403
  kNotFound,               // 404
  kMethodNotAllowed,       // 405
  kNotAcceptable,          // 406
  kAlreadyExists,          // 409
  kConflict,               // 409
  kGone,                   // 410
  kExpired,                // 410 (compacted resourceVersion)
  kRequestEntityTooLarge,  // 413
  kUnsupportedMediaType,   // 415
  kInvalid,                // 422
  kTooManyRequests,        // 429
  kInternalError,          // 500
  kServiceUnavailable,     // 503
  kTimeout,                // 504
};

// The HTTP code a reason maps to.
int HttpCode(Reason r);
// The reason's wire name ("NotFound", "Invalid", ...). Empty for kOk.
const char* ReasonName(Reason r);

// One entry of Status.details.causes. `type` is a CauseType such as
// "FieldValueRequired", "FieldValueInvalid", "FieldValueNotSupported",
// "FieldValueDuplicate", "FieldManagerConflict", "FieldValueForbidden".
struct Cause {
  std::string type;
  std::string message;
  std::string field;
};

// Status.details: which object the error is about.
struct StatusDetails {
  std::string name;
  std::string group;
  std::string kind;  // plural resource name for NotFound/AlreadyExists, Kind for Invalid
  std::string uid;
  std::vector<Cause> causes;
  int retry_after_seconds = 0;
};

class Status {
 public:
  Status() = default;
  Status(Reason reason, std::string message) : reason_(reason), message_(std::move(message)) {}
  Status(Reason reason, std::string message, StatusDetails details)
      : reason_(reason), message_(std::move(message)), details_(std::move(details)) {}

  static Status Ok() { return {}; }

  bool ok() const { return reason_ == Reason::kOk; }
  Reason reason() const { return reason_; }
  int code() const { return HttpCode(reason_); }
  const std::string& message() const { return message_; }
  const StatusDetails& details() const { return details_; }
  StatusDetails& mutable_details() { return details_; }

  // "NotFound: pods \"x\" not found" for logs and test failure messages.
  std::string ToString() const;

 private:
  Reason reason_ = Reason::kOk;
  std::string message_;
  StatusDetails details_;
};

// Convenience constructors with Kubernetes' standard wording.
// `resource` is "pods" or "deployments.apps" (plural[.group]).
Status NotFound(const std::string& resource, const std::string& name);
Status AlreadyExists(const std::string& resource, const std::string& name);
// 409 with "Operation cannot be fulfilled on <resource> \"name\": <why>".
Status ConflictError(const std::string& resource, const std::string& name, const std::string& why);
// 422 "<Kind> \"name\" is invalid: <causes joined>".
Status InvalidError(const std::string& kind, const std::string& group, const std::string& name,
                    std::vector<Cause> causes);
Status BadRequest(std::string message);
Status InternalError(std::string message);

// Either a value or a non-OK Status.
template <typename T>
class StatusOr {
 public:
  StatusOr(T value) : v_(std::move(value)) {}  // NOLINT(google-explicit-constructor)
  StatusOr(Status status) : v_(std::move(status)) {  // NOLINT(google-explicit-constructor)
    assert(!std::get<Status>(v_).ok());
  }

  bool ok() const { return std::holds_alternative<T>(v_); }
  const Status& status() const {
    static const Status kOk;
    return ok() ? kOk : std::get<Status>(v_);
  }
  T& value() & { return std::get<T>(v_); }
  const T& value() const& { return std::get<T>(v_); }
  T&& value() && { return std::get<T>(std::move(v_)); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

 private:
  std::variant<T, Status> v_;
};

}  // namespace berth

#define BERTH_RETURN_IF_ERROR(expr)        \
  do {                                     \
    ::berth::Status _st = (expr);          \
    if (!_st.ok()) return _st;             \
  } while (0)
