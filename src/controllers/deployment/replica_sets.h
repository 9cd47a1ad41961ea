// Arithmetic over a Deployment's ReplicaSets (kube's deployment util): counts, orderings, how far
// the new ReplicaSet may grow, proportional shares when the Deployment is resized mid-rollout,
// and the completeness / progress / timeout predicates its conditions are built on.
// ReplicaSets are mutable JSON copies shared between lists (so a scale updates every list).
// Pure functions, thread-safe for distinct inputs.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "common/clock.h"
#include "common/json.h"

namespace berth::controllers::deployutil {

using RsPtr = std::shared_ptr<json::object>;

int64_t SpecReplicas(const json::object& obj);  // spec.replicas, default 1
int64_t StatusCount(const json::object& obj, const char* field);
int64_t SumSpecReplicas(const std::vector<RsPtr>& list);
int64_t SumStatus(const std::vector<RsPtr>& list, const char* field);
// ReplicaSets with spec.replicas > 0.
std::vector<RsPtr> FilterActive(const std::vector<RsPtr>& list);

// Oldest first (creationTimestamp, then name).
void SortByCreation(std::vector<RsPtr>& list);
// Lowest revision first, ties by creation.
void SortByRevision(std::vector<RsPtr>& list);
// Largest first; ties newest first (scaling up) or oldest first (scaling down).
void SortBySize(std::vector<RsPtr>& list, bool newer_first);

// How many replicas the new ReplicaSet should have now (kube's NewRSNewReplicas).
int64_t NewRSNewReplicas(const json::object& d, const std::vector<RsPtr>& all,
                         const json::object& new_rs);
// The RS runs the whole Deployment and all of it is available.
bool IsSaturated(const json::object& d, const json::object* rs);
// The share of `to_add` replicas (negative: to remove) that `rs` gets in a proportional scale.
int64_t GetProportion(const json::object& d, const json::object& rs, int64_t to_add,
                      int64_t added);

bool HasProgressDeadline(const json::object& d);
// Every replica is updated and available and the status is for the current generation.
bool DeploymentComplete(const json::object& d, const json::object& new_status);
// More updated, fewer old, more ready or more available replicas than d.status says.
bool DeploymentProgressing(const json::object& d, const json::object& new_status);
// Progressing has not moved for progressDeadlineSeconds at `now`.
bool DeploymentTimedOut(const json::object& d, const json::object& new_status,
                        Clock::time_point now);

}  // namespace berth::controllers::deployutil
