// Pure translation of a pod's container into what the runtime runs: argv, environment (with
// configMapKeyRef, secretKeyRef, fieldRef, resourceFieldRef, envFrom and $(VAR) expansion),
// resources as cgroup settings and the security context.
//
// Everything here is a pure function of its inputs (objects are passed in, lookups go through a
// callback), so it is unit-tested without a cluster. Errors are what the pod status shows:
// CreateContainerConfigError-style messages such as `configmap "cfg" not found`.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "common/json.h"
#include "common/status.h"
#include "image/image_store.h"
#include "runtime/runtime.h"

namespace berth::agent {

// Looks up a ConfigMap or Secret ("configmaps"/"secrets") in the pod's namespace.
using ObjectLookup =
    std::function<StatusOr<json::value>(const std::string& resource, const std::string& name)>;

// argv from the container's command/args and the image's entrypoint/cmd (Kubernetes rules:
// command replaces ENTRYPOINT and drops CMD; args alone replace CMD), with $(VAR) expanded.
std::vector<std::string> ResolveArgs(const json::object& container, const image::ImageConfig& image,
                                     const std::vector<std::string>& env);

// The node's allocatable cpu and memory: what resourceFieldRef reports for a limit the container
// does not set (as the kubelet does). 0 = unknown.
struct NodeAllocatable {
  int64_t cpu_millis = 0;
  int64_t memory_bytes = 0;
};

// The final environment: image env, then envFrom, then env (later wins), $(VAR) expanded.
// `pod` is the full Pod (fieldRef reads it); `node_name`/`pod_ip`/`host_ip` fill status fields that
// may not be in the stored object yet.
StatusOr<std::vector<std::string>> ResolveEnv(const json::object& pod, const json::object& container,
                                              const image::ImageConfig& image,
                                              const ObjectLookup& lookup, const std::string& pod_ip,
                                              const std::string& host_ip,
                                              const NodeAllocatable& node = {});

// Kubernetes $(VAR) expansion: "$(A)" -> value of A if defined, "$$(A)" -> "$(A)", unknown
// references stay as written.
std::string ExpandVars(const std::string& in, const std::vector<std::string>& env);

// The value of a fieldRef path ("metadata.name", "metadata.labels['app']", "status.podIP", ...).
StatusOr<std::string> FieldRefValue(const json::object& pod, const std::string& path,
                                    const std::string& pod_ip, const std::string& host_ip);
// The value of a resourceFieldRef ("limits.cpu" with divisor), as Kubernetes formats it.
StatusOr<std::string> ResourceFieldValue(const json::object& container, const std::string& resource,
                                         const std::string& divisor, int64_t node_cpu_millis,
                                         int64_t node_memory_bytes);

runtime::Resources ResolveResources(const json::object& container);
// Pod securityContext merged with the container's (container wins), with the pod's sysctls.
// Errors (BadRequest, shown as CreateContainerConfigError): runAsNonRoot with runAsUser 0; a sysctl
// outside the kubelet's safe set (`forbidden sysctl: "kernel.msgmax" not allowlisted`).
StatusOr<runtime::Security> ResolveSecurity(const json::object& pod_spec,
                                            const json::object& container);

// The kubelet's safe sysctls (namespaced, harmless to neighbours), names in dotted form.
bool IsSafeSysctl(const std::string& name);
// "net/ipv4/conf/eth0.100/forwarding" -> "net.ipv4.conf.eth0/100.forwarding" (Kubernetes' rule:
// with '/' as the separator, '.' and '/' swap); dotted names are unchanged.
std::string SysctlDotted(const std::string& name);

}  // namespace berth::agent
