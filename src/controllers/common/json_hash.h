// Semantic comparison and short stable hashes of JSON templates, shared by the pod-template-hash
// of Deployments and the ControllerRevision names of DaemonSets and StatefulSets.
//
// The hash is FNV-1a (32 bit) over the canonical text of the normalized value (object keys
// sorted), then the collision count's four bytes when given, printed in decimal and mapped into
// kube's "safe" alphabet (no vowels, no confusable characters). Pure functions, thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "common/json.h"

namespace berth::controllers {

// Drops null members and empty objects/arrays recursively, so that values equal up to the
// server's defaulting (Go's nil-versus-empty) compare equal.
json::value NormalizeJson(const json::value& v);
// JSON text with object keys sorted recursively.
std::string CanonicalJson(const json::value& v);
// Maps every byte of `s` into "bcdfghjklmnpqrstvwxz2456789".
std::string SafeEncodeString(const std::string& s);
// The short hash of NormalizeJson(v), mixed with `collision_count` when present.
std::string HashJson(const json::value& v, std::optional<int64_t> collision_count);

}  // namespace berth::controllers
