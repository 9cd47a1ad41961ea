// The pod-template-hash of Deployments: a short, stable name suffix for the ReplicaSet that runs
// one pod template, and template equality that ignores that label.
//
// The hash is controllers::HashJson of the template (common/json_hash.h): key order and empty
// values never matter. Pure functions, thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "common/json.h"

namespace berth::controllers::deployutil {

inline constexpr const char* kPodTemplateHashLabel = "pod-template-hash";

// The hash of a pod template ({metadata, spec}); `collision_count` is mixed in when present.
std::string ComputeTemplateHash(const json::value& pod_template,
                                std::optional<int64_t> collision_count);
// Semantic equality of two pod templates ignoring the pod-template-hash label; null values and
// empty objects/arrays count as absent (like Go's nil-vs-empty semantic equality).
bool EqualIgnoreHash(const json::value& a, const json::value& b);

}  // namespace berth::controllers::deployutil
