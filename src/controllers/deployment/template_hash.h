// The pod-template-hash of Deployments: a short, stable name suffix for the ReplicaSet that runs
// one pod template, and template equality that ignores that label.
//
// The hash is FNV-1a (32 bit) over a canonical serialization of the template (object keys sorted,
// so key order never matters) followed by the collision count, printed in decimal and mapped
// through kube's "safe" alphabet (no vowels, no confusable characters) like rand.SafeEncodeString.
// Pure functions, thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "common/json.h"

namespace berth::controllers::deployutil {

inline constexpr const char* kPodTemplateHashLabel = "pod-template-hash";

// Maps every byte of `s` into "bcdfghjklmnpqrstvwxz2456789".
std::string SafeEncodeString(const std::string& s);
// Canonical JSON text: object keys sorted recursively.
std::string CanonicalJson(const json::value& v);
// The hash of a pod template ({metadata, spec}); `collision_count` is mixed in when present.
std::string ComputeTemplateHash(const json::value& pod_template,
                                std::optional<int64_t> collision_count);
// Semantic equality of two pod templates ignoring the pod-template-hash label; null values and
// empty objects/arrays count as absent (like Go's nil-vs-empty semantic equality).
bool EqualIgnoreHash(const json::value& a, const json::value& b);

}  // namespace berth::controllers::deployutil
