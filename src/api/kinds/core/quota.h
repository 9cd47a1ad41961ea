// ResourceQuota accounting shared by the API server's quota admission and the
// resource quota controller: what one stored object uses of each quota
// resource name, whether a quota's scopes select a pod, and the pod
// constraints kube enforces for cpu/memory quotas.
//
// Resource names follow kube: "pods", "services", "configmaps", "secrets",
// "replicationcontrollers", "resourcequotas", "persistentvolumeclaims",
// "services.nodeports", "services.loadbalancers", "count/<plural>[.<group>]",
// "cpu"/"requests.cpu", "memory"/"requests.memory", "limits.cpu",
// "limits.memory", "[requests.|limits.]ephemeral-storage" and
// "requests.<extended resource>".
//
// Pure functions, thread-safe.
#pragma once

#include <boost/json.hpp>
#include <chrono>
#include <map>
#include <set>
#include <string>

#include "api/validation/quantity.h"

namespace berth::api::quota {

namespace json = boost::json;

// A v1.ResourceList: resource name -> amount.
using ResourceList = std::map<std::string, validation::Quantity>;

// The well-formed entries of a ResourceList object (null/absent -> empty).
ResourceList ParseResourceList(const json::value* v);
// As a JSON object with canonical quantity text.
json::object ResourceListToJson(const ResourceList& l);
// Canonical text of one amount ("500m", "1Gi", "3").
std::string QuantityText(const validation::Quantity& q);
// a + b per resource (the format of the first seen wins).
void AddInto(ResourceList& a, const ResourceList& b);
// A whole number as a quantity (DecimalSI).
validation::Quantity Count(int64_t n);

// The object-count resource name of a resource: "count/pods", "count/replicasets.apps".
std::string CountName(const std::string& plural, const std::string& group);

// Whether a pod is charged for compute resources and "pods": not Succeeded or
// Failed, and not past its deletion grace (kube's QuotaV1Pod).
bool PodChargeable(const json::object& pod, std::chrono::system_clock::time_point now);

// Whether the quota's spec.scopes and spec.scopeSelector select the pod.
bool QuotaSelectsPod(const json::object& quota, const json::object& pod);
// Whether the quota has any scope (scoped quotas track pods only).
bool QuotaHasScopes(const json::object& quota);

// Whether the quota applies to an object of this resource at all: unscoped
// quotas apply to everything; scoped ones to pods their scopes select.
bool QuotaApplies(const json::object& quota, const std::string& plural, const std::string& group,
                  const json::object& obj);

// What one object of resource (plural, group) uses, for every resource name
// that object kind feeds (including the zeros, e.g. "pods": 0 for a finished
// pod; "count/pods" always 1).
ResourceList UsageOf(const std::string& plural, const std::string& group, const json::object& obj,
                     std::chrono::system_clock::time_point now);

// Whether objects of resource (plural, group) feed the quota resource `name`
// (so the usage of `name` is the sum of UsageOf over them).
bool Feeds(const std::string& plural, const std::string& group, const std::string& name);

// kube's pod constraint for quotas on cpu/memory: every container must set
// the request (cpu, memory, requests.*) or limit (limits.*) of each such
// resource in `hard`. "" when satisfied, else e.g.
// "limits.cpu for: c1,c2; requests.memory for: c1".
std::string MissingPodConstraints(const json::object& pod, const std::set<std::string>& hard);

}  // namespace berth::api::quota
