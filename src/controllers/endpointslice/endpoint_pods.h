// Service and pod facts shared by the EndpointSlice and the legacy Endpoints controllers
// (Kubernetes' endpointutil/podutil): which services manage endpoints, which pods they select,
// which pods may be endpoints, the port a service port reaches on a pod, and the labels the
// controllers put on what they write.
//
// Pure functions over JSON objects; thread-safe.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "api/selector/label_selector.h"
#include "common/json.h"
#include "controller/informer.h"

namespace berth::controllers::endpoints {

inline constexpr const char* kServicePath = "/api/v1/services";
inline constexpr const char* kPodPath = "/api/v1/pods";
inline constexpr const char* kNodePath = "/api/v1/nodes";

inline constexpr const char* kServiceNameLabel = "kubernetes.io/service-name";
inline constexpr const char* kHeadlessLabel = "service.kubernetes.io/headless";
inline constexpr const char* kZoneLabel = "topology.kubernetes.io/zone";

// The service's selector when it manages endpoints: a type other than ExternalName and a
// non-empty spec.selector (an empty or absent selector means the endpoints are the user's).
std::optional<api::selector::LabelSelector> ManagedSelector(const json::object& service);
// spec.clusterIP is "None".
bool IsHeadless(const json::object& service);

// The keys ("ns/name") of the cached services in the pod's namespace whose managed selector
// matches the pod's labels.
std::vector<std::string> ServicesSelecting(const controller::Informer& services,
                                           const json::object& pod);
// Handler for a pods informer: queues, through `enqueue`, the services selecting the pod (on an
// update those selecting the old or the new labels).
controller::EventHandler PodEventsToServices(const controller::Informer* services,
                                             std::function<void(const std::string&)> enqueue);

// Kube's ShouldPodBeInEndpoints: the pod has an IP, is not Succeeded/Failed, and is not
// terminating unless `include_terminating`.
bool ShouldPodBeInEndpoints(const json::object& pod, bool include_terminating);
// The pod's IP of the family ("IPv4" or "IPv6") from status.podIPs / status.podIP, "" if none.
std::string PodIPOfFamily(const json::object& pod, const std::string& family);
// The address family of the service's endpoints: spec.ipFamilies[0], default "IPv4".
std::string ServiceAddressFamily(const json::object& service);

// The port `service_port` (one entry of spec.ports) reaches on `pod`: a numeric targetPort as
// is (targetPort absent: port), a named one looked up among the ports of the pod's containers
// (and restartable init containers) by name and protocol. nullopt when the name is not found.
std::optional<int64_t> ResolveTargetPort(const json::object& pod, const json::object& service_port);

// The endpoint hostname: pod.spec.hostname when pod.spec.subdomain is the service's name.
std::string EndpointHostname(const json::object& pod, const json::object& service);
// {kind: Pod, namespace, name, uid}.
json::object PodReference(const json::object& pod);

}  // namespace berth::controllers::endpoints
