// ObjectMeta validation with Kubernetes' rules and wording
// (apimachinery/pkg/api/validation/objectmeta.go). Results are Status causes
// ready for InvalidError(): field "metadata.name", type "FieldValueInvalid",
// message `Invalid value: "Bad_Name": a lowercase RFC 1123 subdomain ...`.
// Pure functions, thread-safe. Never throws; wrongly-typed JSON members
// (e.g. a numeric label value) become FieldValueInvalid causes.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/json.h"
#include "common/status.h"

namespace berth::api::validation {

// Which format metadata.name must have for a kind.
enum class NameRule {
  kDNS1123Subdomain,  // most kinds (pods, configmaps, deployments...)
  kDNS1123Label,      // namespaces
  kDNS1035Label,      // services
  kPathSegment,       // anything that only needs to be a URL path segment (RBAC roles...)
};

// Messages for `name` under `rule`. With `prefix` true the value is a
// generateName prefix: a trailing '-' is allowed (Kubernetes masks it).
std::vector<std::string> ValidateName(std::string_view name, NameRule rule, bool prefix = false);

// Kubernetes' limit on the summed size of annotation keys and values: 256 KiB.
inline constexpr int64_t kTotalAnnotationSizeLimitBytes = 256 * 1024;

// Validates one object's metadata.
//  - name (or, when `is_create`, generateName) is required: `Required value: name or
//    generateName is required`; the server normally generates the name from generateName
//    before validating, but a create carrying only generateName is accepted here too.
//  - name / generateName must match `rule`.
//  - namespaced kinds need a namespace that is an RFC 1123 label; cluster-scoped kinds must
//    not carry one (`Forbidden: not allowed on this type`). The server usually fills or clears
//    it from the URL first, so in practice this checks the format.
//  - generation must be >= 0.
//  - labels: keys are qualified names, values valid label values.
//  - annotations: keys are qualified names (case-insensitively), total size <= 256 KiB.
//  - ownerReferences: apiVersion, kind, name and uid non-empty; at most one controller.
//  - finalizers: qualified names; "orphan" and "foregroundDeletion" not both.
// Paths follow Kubernetes: label/annotation problems are reported on "metadata.labels" /
// "metadata.annotations", owner reference ones on "metadata.ownerReferences.<field>".
std::vector<Cause> ValidateObjectMeta(const json::object& meta, bool namespaced, NameRule rule,
                                      bool is_create);

// Checks what an update may not change: name, namespace, uid, creationTimestamp,
// deletionTimestamp and deletionGracePeriodSeconds are immutable (`Invalid value: "b": field
// is immutable`), generation must not decrease, and finalizers may not be added once
// deletionTimestamp is set. uid/creationTimestamp absent from `new_meta` count as unchanged
// (Kubernetes copies them from the stored object before validating). Call ValidateObjectMeta
// (is_create=false) on the new metadata as well for the format checks.
std::vector<Cause> ValidateObjectMetaUpdate(const json::object& new_meta,
                                            const json::object& old_meta);

}  // namespace berth::api::validation
