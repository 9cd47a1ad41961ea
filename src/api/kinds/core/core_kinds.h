// The core/v1 ResourceTypes, one builder per kind (each in its own file),
// assembled by RegisterCoreKinds (register_core.cc). Internal to kinds/core/.
#pragma once

#include <functional>
#include <initializer_list>
#include <string>
#include <vector>

#include "api/resource.h"

namespace berth::api::core {

ResourceType PodType();
ResourceType ServiceType();
ResourceType NamespaceType();
ResourceType NodeType();
ResourceType EndpointsType();
ResourceType ConfigMapType();
ResourceType SecretType();
ResourceType EventType();
ResourceType ServiceAccountType();
ResourceType ResourceQuotaType();  // resource_quota.cc
ResourceType LimitRangeType();      // limit_range.cc
ResourceType PodTemplateType();
ResourceType ReplicationControllerType();

// Pod QoS class from container resources: Guaranteed, Burstable or BestEffort.
std::string PodQosClass(const json::object& spec);
// kubectl's STATUS cell of a pod (reason, waiting reason, Terminating...).
std::string PodStatusReason(const json::object& pod);

// Checks `immutable: true` on ConfigMap/Secret updates (data, binaryData, immutable).
void ValidateImmutableData(std::vector<Cause>& out, const json::object& obj,
                           const json::object* old);
// Kubernetes IsConfigMapKey: messages for a bad data key.
std::vector<std::string> ConfigMapKeyProblems(const std::string& key);

// kubectl's ENDPOINTS cell: up to three ip:port entries then " + N more...".
std::string FormatEndpoints(const json::object& ep);

// Common string helpers for table cells.
std::string StringAtPath(const json::object& o, std::initializer_list<const char*> path);
// A selectable-field extractor: the scalar at `path` as text ("" when missing).
std::function<std::string(const json::object&)> FieldAt(std::vector<std::string> path,
                                                        std::string fallback = "");
// "k1=v1,k2=v2" sorted by key, "<none>" for an empty or missing map.
std::string FormatLabels(const json::object* m);

}  // namespace berth::api::core
