// Taints and tolerations as the node lifecycle controller uses them (kube's
// v1helper.ToleratesTaint, TaintNodeByCondition, taint-based eviction timing).
// Pure functions on JSON (core/v1 Taint / Toleration objects); thread-safe.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "common/clock.h"
#include "common/json.h"

namespace berth::controllers {

inline constexpr const char* kTaintNotReady = "node.kubernetes.io/not-ready";
inline constexpr const char* kTaintUnreachable = "node.kubernetes.io/unreachable";
inline constexpr const char* kTaintUnschedulable = "node.kubernetes.io/unschedulable";
inline constexpr const char* kTaintMemoryPressure = "node.kubernetes.io/memory-pressure";
inline constexpr const char* kTaintDiskPressure = "node.kubernetes.io/disk-pressure";
inline constexpr const char* kTaintPIDPressure = "node.kubernetes.io/pid-pressure";
inline constexpr const char* kTaintNetworkUnavailable = "node.kubernetes.io/network-unavailable";

// True when `toleration` tolerates `taint` (effect, key and Equal/Exists operator).
bool ToleratesTaint(const json::object& toleration, const json::object& taint);

// The taints of node.spec.taints with effect NoExecute.
std::vector<json::object> NoExecuteTaints(const json::object& node);

// The status ("True"/"False"/"Unknown") of condition `type` in status.conditions; "" if absent.
std::string NodeConditionStatus(const json::object& node, const std::string& type);

// The taints the controller wants on `node` given its conditions and spec.unschedulable:
// Ready=False -> not-ready NoSchedule+NoExecute, Ready=Unknown -> unreachable NoSchedule+NoExecute,
// MemoryPressure/DiskPressure/PIDPressure/NetworkUnavailable=True -> the matching NoSchedule,
// unschedulable -> unschedulable NoSchedule. Each taint is {key, effect} (no timeAdded).
std::vector<json::object> ConditionTaints(const json::object& node);

// node.spec.taints with the controller-managed taints replaced by `desired`; taints that stay keep
// their timeAdded, new NoExecute ones get `now`. Returns nullopt when nothing changes.
std::optional<json::array> ReconcileTaints(const json::object& node,
                                           const std::vector<json::object>& desired,
                                           const std::string& now_rfc3339);

// What taint-based eviction does with a pod on a node with these NoExecute taints:
// kEvictNow when some taint is not tolerated, kEvictAt (at `*deadline` = latest timeAdded of the
// taints + the smallest tolerationSeconds among the tolerations used) or kKeep (tolerated forever,
// or no NoExecute taints). Taints without timeAdded count from `observed` (when the caller first
// saw them).
enum class EvictionDecision { kKeep, kEvictNow, kEvictAt };
EvictionDecision DecideEviction(const json::object& pod, const std::vector<json::object>& taints,
                                Clock::time_point now, Clock::time_point observed,
                                Clock::time_point* deadline);

}  // namespace berth::controllers
