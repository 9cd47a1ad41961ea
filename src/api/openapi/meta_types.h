// The shared apimachinery types every group-version document references from
// its operations: ListMeta, Status (+ details and causes), DeleteOptions
// (+ Preconditions), Patch, WatchEvent, RawExtension, and autoscaling/v1 Scale
// for /scale subresources. Minimal but faithful field sets.
//
// Pure functions; never throw.
#pragma once

#include <string>

#include "api/openapi/components.h"

namespace berth::api::openapi {

inline constexpr const char* kMetaPrefix = "io.k8s.apimachinery.pkg.apis.meta.v1.";

// Component names.
std::string MetaName(const std::string& type);  // "Status" -> "io.k8s...meta.v1.Status"
inline constexpr const char* kScaleName = "io.k8s.api.autoscaling.v1.Scale";

// The meta/v1 ListMeta schema (the `metadata` of List kinds).
SchemaPtr ListMetaSchema();

// Adds ListMeta, Status, StatusDetails, StatusCause, DeleteOptions,
// Preconditions, Patch, WatchEvent and RawExtension.
void AddMetaTypes(ComponentSet& set);

// Adds autoscaling/v1 Scale, ScaleSpec and ScaleStatus (with Scale's GVK).
void AddScaleTypes(ComponentSet& set);

// [{"group":g,"kind":k,"version":v}] for x-kubernetes-group-version-kind on components.
json::array GvkList(const std::string& group, const std::string& version, const std::string& kind);
// {"group":g,"kind":k,"version":v} for operations.
json::object Gvk(const std::string& group, const std::string& version, const std::string& kind);

}  // namespace berth::api::openapi
